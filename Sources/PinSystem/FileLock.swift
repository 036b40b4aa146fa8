#if canImport(Glibc)
import Glibc
#endif

/// A `flock(2)` on a file, held while this lives: PinBench's one file lock (a result set's
/// sweep lock, the machine-wide hugepage pool lock). The kernel drops it when the file is closed,
/// also when the process dies, so a killed holder never leaves it behind.
public final class FileLock: @unchecked Sendable {
    public enum Mode: Sendable {
        case shared
        case exclusive

        var operation: Int32 { self == .shared ? LOCK_SH : LOCK_EX }
    }

    /// The locked file: a holder may keep a note in it (its pid).
    public let file: FileDescriptor

    private init(file: FileDescriptor) {
        self.file = file
    }

    /// Opens (creating, with `permissions`) `path` and waits for the lock, through signals.
    public static func acquire(_ path: String, _ mode: Mode = .exclusive, permissions: mode_t = 0o644) throws(SystemError) -> FileLock {
        let file = try FileDescriptor(opening: path, O_RDWR | O_CREAT, mode: permissions)
        _ = try Syscall.flock(file.rawValue, mode.operation, "flock(\(path))")
        return FileLock(file: file)
    }

    /// Opens (creating) `path` and takes the lock if no other open file holds it; nil when one does.
    public static func attempt(_ path: String, _ mode: Mode = .exclusive) throws(SystemError) -> FileLock? {
        let file = try FileDescriptor(opening: path, O_RDWR | O_CREAT, mode: 0o644)
        guard try Syscall.flock(file.rawValue, mode.operation | LOCK_NB, "flock(\(path))") else { return nil }
        return FileLock(file: file)
    }
}
