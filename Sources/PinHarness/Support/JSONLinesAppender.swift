#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PinSystem

/// Appends lines to a file with one `write(2)` each on an `O_APPEND` descriptor, so a line is
/// on disk as soon as its repetition finishes and an interrupted run leaves no half line.
public final class JSONLinesAppender {
    private let file: FileDescriptor

    /// Opens (creating if needed) `path` for appending; `open(2)` with `O_APPEND`.
    public init(path: String) throws {
        do { file = try FileDescriptor(opening: path, O_WRONLY | O_CREAT | O_APPEND, mode: 0o644) } catch {
            throw AppendError(message: error.errnoName, errno: error.errno)
        }
    }

    public struct AppendError: Error, CustomStringConvertible {
        public var message: String
        /// The failed call's errno, for `ErrorText`'s hint.
        public var errno: Int32?
        public var description: String { message }
    }

    /// Writes `line` and a newline in one `write(2)` (looping only if the kernel writes less,
    /// as on a nearly full disk); throws when the line could not be written whole.
    public func append(_ line: String) throws(AppendError) {
        // One write(2) on O_APPEND; writeAll writes again only what a short write (a nearly
        // full disk) left.
        do { try file.writeAll(line + "\n") } catch { throw AppendError(message: error.errnoName, errno: error.errno) }
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

}
