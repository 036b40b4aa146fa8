#if canImport(Glibc)
import Glibc
#endif

/// Appends lines to a file with one `write(2)` each on an `O_APPEND` descriptor, so a line is
/// on disk as soon as its repetition finishes and an interrupted run leaves no half line.
final class JSONLinesAppender {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AppendError(message: String(cString: strerror(errno))) }
    }

    struct AppendError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    func append(_ line: String) {
        let text = line + "\n"
        text.utf8CString.withUnsafeBufferPointer { _ = write(fd, $0.baseAddress, $0.count - 1) }
    }

    deinit { close(fd) }
}
