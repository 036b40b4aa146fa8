#if canImport(Glibc)
import Glibc
#endif
import PinSystem

/// One sweep's hold on a result set: an exclusive `flock` on `DIR/.lock`, which holds the
/// holder's pid, kept for the whole sweep or resume and dropped when this is released (also
/// when the process dies: the kernel drops a dead process's locks). A second sweep of the same
/// set is refused at once, so no (cell, round) can be measured twice.
public final class ResultSetLock: @unchecked Sendable {
    public static let fileName = ".lock"
    let lock: FileLock

    /// Takes the lock, or fails at once naming the pid that holds it.
    public init(_ set: ResultSet) throws(HarnessError) {
        let path = set.path(Self.fileName)
        let taken: FileLock?
        do { taken = try FileLock.attempt(path) } catch { throw .failed("cannot lock \(path): \(error)") }
        guard let taken else {
            let holder = (try? ProcFile.read(path))?.trimmingWhitespace() ?? ""
            throw .unavailable("\(set.directory) is in use by another pinbench sweep (pid \(holder.isEmpty ? "unknown" : holder)); "
                + "one sweep at a time writes a result set: wait for it to finish, or stop it, then --resume")
        }
        // The holder's pid, for the next sweep's refusal; the lock holds without it.
        try? taken.file.truncate(to: 0)
        try? taken.file.write("\(getpid())\n", at: 0)
        lock = taken
    }
}
