#if canImport(Glibc)
import Glibc
#endif

/// An open file that closes itself (`close(2)` in `deinit`), so no path, error or early return
/// leaks it. A class rather than a `~Copyable` struct: the module's files are shared by a job's
/// threads and kept idle by the backend between jobs, which a move-only value cannot be.
public final class FileDescriptor: @unchecked Sendable {
    public let rawValue: Int32
    /// The path it was opened by, for messages.
    public let path: String

    /// Opens `path` (`open(2)`, with `O_CLOEXEC`); `hint` says what to do about a failure's errno.
    public init(opening path: String, _ flags: Int32, mode: mode_t = 0,
                hint: (Int32) -> String? = { _ in nil }) throws(SystemError) {
        rawValue = try Syscall.open(path, flags, mode: mode, hint: hint)
        self.path = path
    }

    /// Takes ownership of `rawValue`, opened elsewhere (a C shim's `open`).
    public init(adopting rawValue: Int32, path: String) {
        self.rawValue = rawValue
        self.path = path
    }

    deinit { close(rawValue) }

    // MARK: - Reading and writing

    /// The whole file from its current offset (`read(2)` until the end).
    public func readToEnd() throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = try buffer.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) -> Int in try Syscall.read(rawValue, into: raw, "read(\(path))") }
            }.get()
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes all of `bytes` (`write(2)`, again for what a short write left).
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = try Syscall.write(rawValue, UnsafeRawBufferPointer(rebasing: bytes[offset...]), "write(\(path))")
            // A write that takes nothing would loop forever: say so instead.
            guard written > 0 else { throw SystemError("write(\(path))", errno: EIO, hint: "the kernel took 0 bytes") }
            offset += written
        }
    }

    /// Writes all of `text`'s UTF-8 (`write(2)`).
    public func writeAll(_ text: String) throws(SystemError) {
        var text = text
        try text.withUTF8 { buffer in Result { () throws(SystemError) in try writeAll(UnsafeRawBufferPointer(buffer)) } }.get()
    }

    /// `pread(2)` into `buffer` from byte `offset`; how many bytes came.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SystemError) -> Int {
        try Syscall.pread(rawValue, into: buffer, offset: offset, "pread(\(path))")
    }

    /// `pwrite(2)` of `text` at byte `offset`; how many bytes went.
    @discardableResult
    public func write(_ text: String, at offset: Int) throws(SystemError) -> Int {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(SystemError) -> Int in
                try Syscall.pwrite(rawValue, UnsafeRawBufferPointer(buffer), offset: offset, "pwrite(\(path))")
            }
        }.get()
    }

    // MARK: - The file itself

    /// `fstat(2)`.
    public func status() throws(SystemError) -> stat { try Syscall.fstat(rawValue, "fstat(\(path))") }

    /// `fsync(2)`.
    public func sync() throws(SystemError) { try Syscall.fsync(rawValue, "fsync(\(path))") }

    /// `ftruncate(2)`.
    public func truncate(to length: Int) throws(SystemError) { try Syscall.ftruncate(rawValue, to: length, "ftruncate(\(path))") }

    // MARK: - Devices

    /// `ioctl(2)` with a pointer to `argument`; its non-negative result. `name` is built only on failure.
    @inlinable
    @discardableResult
    public func ioctl<T>(_ name: @autoclosure () -> String, _ request: Int, _ argument: inout T,
                         hint: (Int32) -> String? = { _ in nil }) throws(SystemError) -> Int32 {
        try Syscall.ioctl(rawValue, request, &argument, "\(name()) on \(path)", hint: hint)
    }

    /// `ioctl(2)` with an integer argument; its non-negative result.
    @inlinable
    @discardableResult
    public func ioctl(_ name: @autoclosure () -> String, _ request: Int, value: UInt = 0,
                      hint: (Int32) -> String? = { _ in nil }) throws(SystemError) -> Int32 {
        try Syscall.ioctl(rawValue, request, value: value, "\(name()) on \(path)", hint: hint)
    }
}
