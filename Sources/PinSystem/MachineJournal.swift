#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// What PinBench has changed on the machine and must give back: one small JSON file per
/// change, written (and `fsync`ed) before the change is made, updated once the kernel said
/// what it did, and removed when the change is undone. A process killed in between (SIGKILL,
/// a crash) leaves its entries behind, and the next `pinbench` of any kind restores them
/// (`recoverStale`), or says the exact command that does when it lacks the right.
///
/// Today the changes are hugetlb pool growths (`HugepageReservation`); each entry gives back
/// only the pages its own process added, so several PinBench processes compose.
public enum MachineJournal {
    /// One change.
    public struct Entry: Codable, Sendable, Equatable {
        public var kind: String
        /// The file written to, and what it held before.
        public var path: String
        public var before: Int
        /// What the change asked for and, once known, what the kernel granted.
        public var requested: Int
        public var granted: Int?
        /// The owner: its pid and start time (`/proc/<pid>/stat` field 22), so a reused pid
        /// is not taken for it.
        public var pid: Int32
        public var startTime: UInt64
        /// For messages: "2M hugetlb pool".
        public var subject: String
    }

    /// `/run/pinbench` (root), else `$XDG_RUNTIME_DIR/pinbench`, else `/tmp/pinbench-<uid>`;
    /// `PINBENCH_JOURNAL` overrides it (tests).
    public static var directory: String {
        if let path = ProcessInfo.processInfo.environment["PINBENCH_JOURNAL"], !path.isEmpty { return path }
        if geteuid() == 0 { return "/run/pinbench" }
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return "\(runtime)/pinbench" }
        return "/tmp/pinbench-\(getuid())"
    }

    // MARK: - Writing

    /// Records `entry` before the change is made; the returned path names it for `update` and `remove`.
    static func record(_ entry: Entry, in folder: String = directory) throws(SystemError) -> String {
        if mkdir(folder, 0o755) != 0 && errno != EEXIST { throw .last("mkdir(\(folder))") }
        let path = "\(folder)/\(entry.kind)-\(entry.pid)-\(nextSequence()).json"
        try write(entry, to: path)
        return path
    }

    static func update(_ entry: Entry, at path: String) throws(SystemError) { try write(entry, to: path) }

    static func remove(_ path: String) { Syscall.unlink(path) }

    private static func write(_ entry: Entry, to path: String) throws(SystemError) {
        let data: Data
        do { data = try JSONEncoder().encode(entry) } catch { throw SystemError("encoding a journal entry", errno: EINVAL) }
        let temporary = path + ".tmp"
        do throws(SystemError) {
            // Written and on disk before the rename makes it the entry: a crash leaves the old one or the new one.
            let file = try FileDescriptor(opening: temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
            try data.withUnsafeBytes { bytes in Result { () throws(SystemError) in try file.writeAll(bytes) } }.get()
            try file.sync()
            try Syscall.rename(temporary, path)
        } catch {
            Syscall.unlink(temporary)
            throw SystemError("writing the journal entry \(path): \(error.operation)", errno: error.errno, hint: error.hint)
        }
    }

    /// Numbers this process's entries apart (one process can hold several reservations).
    private static let sequence = Atomic<Int>(0)
    private static func nextSequence() -> Int { sequence.wrappingAdd(1, ordering: .relaxed).newValue }

    // MARK: - Owners

    /// This process's start time, in clock ticks since boot.
    static var ownStartTime: UInt64 { startTime(of: getpid()) ?? 0 }

    /// Field 22 of `/proc/<pid>/stat`, or nil when no such process runs (a zombie, killed
    /// and not yet reaped, has let go of everything it held: it counts as gone).
    static func startTime(of pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After "pid (comm)" come state (field 3) onward; the start time is field 22.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return UInt64(fields[19])
    }

    /// Whether the entry's owner still runs.
    public static func ownerAlive(_ entry: Entry) -> Bool { startTime(of: entry.pid) == entry.startTime }

    // MARK: - Reading and restoring

    /// Every entry and its file.
    public static func entries(in folder: String = directory) -> [(path: String, entry: Entry)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.sorted().filter { $0.hasSuffix(".json") }.compactMap { name in
            let path = "\(folder)/\(name)"
            guard let data = FileManager.default.contents(atPath: path),
                  let entry = try? JSONDecoder().decode(Entry.self, from: data) else { return nil }
            return (path, entry)
        }
    }

    /// What a stale entry's process left, for doctor and messages.
    public static func describe(_ entry: Entry) -> String {
        let pages = entry.granted.map(String.init) ?? "up to \(entry.requested)"
        return "a pinbench that is gone (pid \(entry.pid)) added \(pages) pages to the \(entry.subject)"
    }

    /// Gives back what every dead owner's entry changed: one line per entry, said as done, or
    /// with the command that does it when this process may not (an entry is claimed by a
    /// rename first, so two processes recovering at once never give one back twice).
    @discardableResult
    public static func recoverStale(in folder: String = directory) -> [String] {
        var lines: [String] = []
        for (path, entry) in entries(in: folder) where !ownerAlive(entry) {
            let claimed = path + ".restoring-\(getpid())"
            guard rename(path, claimed) == 0 else { continue }
            switch restore(entry) {
            case .success(let detail):
                unlink(claimed)
                lines.append("\(describe(entry)): gave them back (\(detail))")
            case .failure(let command):
                _ = rename(claimed, path)  // left for whoever may
                lines.append("\(describe(entry)); give them back with: \(command)")
            }
        }
        return lines
    }

    /// Shrinks the pool by what the entry added: `granted`, or when the owner died before it
    /// learnt that, at most what it asked for and at most how far the pool grew since `before`.
    static func restore(_ entry: Entry) -> Result<String, RestoreCommand> {
        HugepagePool.withResizeLock { restoreHoldingLock(entry) }
    }

    /// `restore` for a caller that already holds `HugepagePool`'s resize lock.
    static func restoreHoldingLock(_ entry: Entry) -> Result<String, RestoreCommand> {
        guard let now = ProcFile.readInt(entry.path) else { return .success("the pool is gone") }
        let added = entry.granted ?? min(entry.requested, max(now - entry.before, 0))
        let target = max(now - added, 0)
        guard added > 0 else { return .success("nothing was added") }
        do {
            try ProcFile.write(entry.path, "\(target)\n")
        } catch {
            return .failure(RestoreCommand(text: "echo \(target) | sudo tee \(entry.path)"))
        }
        return .success("\(now) -> \(ProcFile.readInt(entry.path) ?? target) pages")
    }

    /// The shell command that undoes an entry this process could not.
    public struct RestoreCommand: Error, CustomStringConvertible {
        public var text: String
        public var description: String { text }
    }
}
