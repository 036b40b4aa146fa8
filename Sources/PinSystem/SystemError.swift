#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed system call: what was called, on what, and the errno it returned.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32
    /// What the user can do about it, when we know.
    public var hint: String?

    public init(_ operation: String, errno: Int32, hint: String? = nil) {
        self.operation = operation
        self.errno = errno
        self.hint = hint
    }

    /// Captures the calling thread's current `errno`.
    public static func last(_ operation: String, hint: String? = nil) -> SystemError {
        SystemError(operation, errno: Glibc.errno, hint: hint)
    }

    public var errnoName: String { String(cString: strerror(errno)) }

    public var description: String {
        "\(operation) failed: \(errnoName) (errno \(errno))" + (hint.map { ": \($0)" } ?? "")
    }
}
