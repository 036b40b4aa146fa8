#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Appends lines to a file with one `write(2)` each on an `O_APPEND` descriptor, so a line is
/// on disk as soon as its repetition finishes and an interrupted run leaves no half line.
public final class JSONLinesAppender {
    private let fd: Int32

    /// Opens (creating if needed) `path` for appending; `open(2)` with `O_APPEND`.
    public init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AppendError(message: String(cString: strerror(errno))) }
    }

    public struct AppendError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Writes `line` and a newline in one `write(2)` (looping only if the kernel writes less,
    /// as on a nearly full disk); throws when the line could not be written whole.
    public func append(_ line: String) throws(AppendError) {
        let text = line + "\n"
        let failure: Int32? = text.utf8CString.withUnsafeBufferPointer { buffer in
            var offset = 0
            let count = buffer.count - 1
            while offset < count {
                let written = write(fd, buffer.baseAddress! + offset, count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw AppendError(message: String(cString: strerror(failure))) }
    }

    /// Encodes `value` as one line (`line(_:)`) and appends it.
    public func append<T: Encodable>(encoding value: T) throws(AppendError) {
        try append(Self.line(value))
    }

    /// `value` as one compact JSON line, keys sorted so lines of a file compare and diff cleanly.
    public static func line<T: Encodable>(_ value: T) throws(AppendError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw AppendError(message: "cannot encode \(T.self): \(error)")
        }
    }

    deinit { close(fd) }
}
