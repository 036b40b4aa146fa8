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
    let descriptor: Int32

    /// Takes the lock, or fails at once naming the pid that holds it.
    public init(_ set: ResultSet) throws(HarnessError) {
        let path = set.path(Self.fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .failed("cannot open \(path): \(SystemError.last("open"))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let got = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            guard code == EWOULDBLOCK else { throw .failed("flock(\(path)): \(SystemError("flock", errno: code))") }
            let holder = got > 0 ? String(decoding: buffer[0..<got], as: UTF8.self).trimmingWhitespace() : "unknown"
            throw .unavailable("\(set.directory) is in use by another pinbench sweep (pid \(holder)); "
                + "one sweep at a time writes a result set: wait for it to finish, or stop it, then --resume")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.utf8.count, 0)
        descriptor = fd
    }

    deinit { close(descriptor) }
}
