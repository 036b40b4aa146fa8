#if canImport(Glibc)
import Glibc
#endif
import PinCore

/// One hugetlb pool (`/sys/kernel/mm/hugepages/hugepages-<kB>kB`), as the kernel reports it.
public struct HugepagePool: Sendable, Equatable {
    /// The page size in bytes.
    public var pageSize: Int
    public var total: Int
    public var free: Int
    /// Pages promised to existing mappings but not faulted yet: free but not available.
    public var reserved: Int
    public var surplus: Int

    /// Pages a new mapping can still get.
    public var available: Int { max(free - reserved, 0) }

    /// The sysfs folder of the pool of `pageSize` bytes.
    public static func directory(pageSize: Int, root: String = "/sys/kernel/mm/hugepages") -> String {
        "\(root)/hugepages-\(pageSize / 1024)kB"
    }

    /// Reads the pool of `pageSize` bytes, or nil if this kernel has no such pool.
    public static func read(pageSize: Int, root: String = "/sys/kernel/mm/hugepages") -> HugepagePool? {
        let directory = directory(pageSize: pageSize, root: root)
        guard let total = ProcFile.readInt("\(directory)/nr_hugepages"),
              let free = ProcFile.readInt("\(directory)/free_hugepages")
        else { return nil }
        return HugepagePool(
            pageSize: pageSize, total: total, free: free,
            reserved: ProcFile.readInt("\(directory)/resv_hugepages") ?? 0,
            surplus: ProcFile.readInt("\(directory)/surplus_hugepages") ?? 0)
    }

    /// The exact shell command that grows the pool so that `pages` more are available.
    public func reserveCommand(forAdditional pages: Int) -> String {
        let target = total + pages
        return "echo \(target) | sudo tee \(Self.directory(pageSize: pageSize))/nr_hugepages"
    }

    /// Where every PinBench process takes its turn to change a pool: one machine-wide file,
    /// whatever journal folder a process uses.
    static let resizeLockPath = access("/run/lock", W_OK) == 0 ? "/run/lock/pinbench-hugepages.lock" : "/tmp/pinbench-hugepages.lock"

    /// Runs `body` holding an exclusive `flock` on `resizeLockPath`, so a read of the pool and
    /// the write that follows from it are one step against other PinBench processes (and
    /// threads). Without the lock file (no right to create it) `body` runs unlocked.
    static func withResizeLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let lock = try? FileLock.acquire(resizeLockPath)
        return try withExtendedLifetime(lock) { () throws(E) -> T in try body() }
    }

    /// Sets `nr_hugepages` (root only) and returns the pool as the kernel then reports it:
    /// the kernel may give fewer pages than asked when memory is fragmented.
    @discardableResult
    public static func resize(pageSize: Int, to pages: Int) throws(SystemError) -> HugepagePool {
        let path = "\(directory(pageSize: pageSize))/nr_hugepages"
        try ProcFile.write(path, "\(pages)\n")
        guard let pool = read(pageSize: pageSize) else { throw SystemError("read(\(path))", errno: 2) }
        return pool
    }
}

/// A temporary growth of a hugetlb pool that is given back when released (tests, sweeps).
public final class HugepageReservation: @unchecked Sendable {
    public let pageSize: Int
    /// Pages the kernel actually added; `release()` takes exactly these back, so overlapping
    /// reservations (parallel tests) each return their own pages.
    public let granted: Int
    private var released = false
    /// The journal entry that gives the pages back if this process dies holding them.
    private let journalPath: String

    /// Grows the pool of `pageSize` by `pages`; throws if not root or the kernel refuses.
    /// The growth is journaled first (`MachineJournal`), so a SIGKILL cannot keep the pages.
    public init(pageSize: Int, additional pages: Int) throws(SystemError) {
        // Read, grow and read again as one step against every other PinBench process: two
        // growths that both read the same total would each count the other's pages as theirs.
        let (granted, journalPath) = try HugepagePool.withResizeLock { () throws(SystemError) in
            try Self.grow(pageSize: pageSize, by: pages)
        }
        self.pageSize = pageSize
        self.granted = granted
        self.journalPath = journalPath
    }

    /// Journals the growth, grows the pool and returns what the kernel added; the caller
    /// holds the resize lock.
    private static func grow(pageSize: Int, by pages: Int) throws(SystemError) -> (granted: Int, journalPath: String) {
        guard let before = HugepagePool.read(pageSize: pageSize) else {
            throw SystemError("read(\(HugepagePool.directory(pageSize: pageSize)))", errno: 2,
                              hint: "this kernel has no \(pageSize / 1024) kB hugetlb pool")
        }
        var entry = MachineJournal.Entry(
            kind: "hugepages", path: "\(HugepagePool.directory(pageSize: pageSize))/nr_hugepages", before: before.total,
            requested: pages, granted: nil, pid: getpid(), startTime: MachineJournal.ownStartTime,
            subject: "\(ByteSize(pageSize)) hugetlb pool")
        let journalPath = try MachineJournal.record(entry)
        let after: HugepagePool
        do {
            after = try HugepagePool.resize(pageSize: pageSize, to: before.total + pages)
        } catch {
            // The write may still have grown the pool part-way: give back what it added.
            _ = MachineJournal.restoreHoldingLock(entry)
            MachineJournal.remove(journalPath)
            throw error
        }
        entry.granted = after.total - before.total
        try? MachineJournal.update(entry, at: journalPath)
        return (after.total - before.total, journalPath)
    }

    /// Gives the pages back (idempotent) and drops the journal entry.
    public func release() {
        guard !released else { return }
        released = true
        defer { MachineJournal.remove(journalPath) }
        guard granted > 0 else { return }
        HugepagePool.withResizeLock {
            guard let now = HugepagePool.read(pageSize: pageSize) else { return }
            _ = try? HugepagePool.resize(pageSize: pageSize, to: max(now.total - granted, 0))
        }
    }

    deinit { release() }
}
