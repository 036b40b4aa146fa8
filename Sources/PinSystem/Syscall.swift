#if canImport(Glibc)
import Glibc
#endif
import CPinSys

/// PinBench's one system-call layer, in swift-system's style: each wrapper names its C call,
/// returns what the call returns or throws a `SystemError` with its errno, and builds the
/// error's text only when the call failed (the operation is an autoclosure), so the wrappers
/// cost nothing in a timed phase. A call that `EINTR` can interrupt before it did anything is
/// retried here, in `retryingInterrupts`, and nowhere else; `close` never is (Linux closes the
/// descriptor even then) and neither is an `ioctl` (whose retry may repeat work).
public enum Syscall {
    /// Calls `body` again for as long as it fails with `EINTR`, and returns its first other result.
    @inlinable
    public static func retryingInterrupts<Result: BinaryInteger>(_ body: () -> Result) -> Result {
        while true {
            let result = body()
            guard result == -1, errno == EINTR else { return result }
        }
    }

    /// `result` unless it is -1, the failure of every call here; then the error, with `hint`'s
    /// advice for its errno.
    @inlinable
    public static func check<Result: BinaryInteger>(
        _ result: Result, _ operation: @autoclosure () -> String, hint: (Int32) -> String? = { _ in nil }
    ) throws(SystemError) -> Result {
        guard result == -1 else { return result }
        let code = errno
        throw SystemError(operation(), errno: code, hint: hint(code))
    }

    // MARK: - Files

    /// `open(2)` with `O_CLOEXEC` always added (no descriptor leaks into a spawned process).
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0,
                            hint: (Int32) -> String? = { _ in nil }) throws(SystemError) -> Int32 {
        try check(retryingInterrupts { Glibc.open(path, flags | O_CLOEXEC, mode) }, "open(\(path))", hint: hint)
    }

    /// `read(2)` into `buffer`; 0 at the end of the file.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer,
                            _ operation: @autoclosure () -> String) throws(SystemError) -> Int {
        try check(retryingInterrupts { Glibc.read(fd, buffer.baseAddress, buffer.count) }, operation())
    }

    /// `write(2)` of `buffer`; may write less than all of it.
    public static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer,
                             _ operation: @autoclosure () -> String) throws(SystemError) -> Int {
        try check(retryingInterrupts { Glibc.write(fd, buffer.baseAddress, buffer.count) }, operation())
    }

    /// `pread(2)` into `buffer` from byte `offset`.
    public static func pread(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int,
                             _ operation: @autoclosure () -> String) throws(SystemError) -> Int {
        try check(retryingInterrupts { Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset)) }, operation())
    }

    /// `pwrite(2)` of `buffer` at byte `offset`.
    public static func pwrite(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, offset: Int,
                              _ operation: @autoclosure () -> String) throws(SystemError) -> Int {
        try check(retryingInterrupts { Glibc.pwrite(fd, buffer.baseAddress, buffer.count, off_t(offset)) }, operation())
    }

    /// `fstat(2)`.
    public static func fstat(_ fd: Int32, _ operation: @autoclosure () -> String) throws(SystemError) -> stat {
        var info = stat()
        _ = try check(Glibc.fstat(fd, &info), operation())
        return info
    }

    /// `fsync(2)`.
    public static func fsync(_ fd: Int32, _ operation: @autoclosure () -> String) throws(SystemError) {
        _ = try check(retryingInterrupts { Glibc.fsync(fd) }, operation())
    }

    /// `ftruncate(2)` to `length` bytes.
    public static func ftruncate(_ fd: Int32, to length: Int, _ operation: @autoclosure () -> String) throws(SystemError) {
        _ = try check(retryingInterrupts { Glibc.ftruncate(fd, off_t(length)) }, operation())
    }

    /// `flock(2)`. With `LOCK_NB` in `operation`, false when another open file holds a
    /// conflicting lock (`EWOULDBLOCK`); a blocking call waits, through signals.
    public static func flock(_ fd: Int32, _ operation: Int32, _ name: @autoclosure () -> String) throws(SystemError) -> Bool {
        let result = retryingInterrupts { lockFile(fd, operation) }
        if result == -1, errno == EWOULDBLOCK, operation & LOCK_NB != 0 { return false }
        _ = try check(result, name())
        return true
    }

    /// `rename(2)`: `from` replaces `to` in one step.
    public static func rename(_ from: String, _ to: String) throws(SystemError) {
        _ = try check(Glibc.rename(from, to), "rename(\(from), \(to))")
    }

    /// `mkdir(2)` with mode 0755: fails with `EEXIST` when `path` exists, so of two callers
    /// creating one name, exactly one succeeds.
    public static func makeDirectory(_ path: String) throws(SystemError) {
        _ = try check(Glibc.mkdir(path, 0o755), "mkdir(\(path))")
    }

    /// `readlink(2)`: a symbolic link's target, as stored (often relative).
    public static func readLink(_ path: String) throws(SystemError) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = try check(buffer.withUnsafeMutableBytes { Glibc.readlink(path, $0.baseAddress!, $0.count - 1) }, "readlink(\(path))")
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    /// `unlink(2)`, for a file that may already be gone: false when it was not there to remove.
    @discardableResult
    public static func unlink(_ path: String) -> Bool { Glibc.unlink(path) == 0 }

    /// `ioctl(2)` with a pointer to `argument`; its non-negative result.
    @inlinable
    public static func ioctl<T>(_ fd: Int32, _ request: Int, _ argument: inout T, _ operation: @autoclosure () -> String,
                                hint: (Int32) -> String? = { _ in nil }) throws(SystemError) -> Int32 {
        let result = withUnsafeMutablePointer(to: &argument) { cpinsys_ioctl_pointer(fd, UInt(bitPattern: request), $0) }
        return try check(result < 0 ? -1 : result, operation(), hint: hint)
    }

    /// `ioctl(2)` with an integer argument; its non-negative result.
    @inlinable
    public static func ioctl(_ fd: Int32, _ request: Int, value: UInt, _ operation: @autoclosure () -> String,
                             hint: (Int32) -> String? = { _ in nil }) throws(SystemError) -> Int32 {
        let result = cpinsys_ioctl_value(fd, UInt(bitPattern: request), value)
        return try check(result < 0 ? -1 : result, operation(), hint: hint)
    }

    // MARK: - Memory

    /// `madvise(2)` of `length` bytes at `address`: the populate and release calls of the timed
    /// phases, so nothing is built unless it failed.
    @inlinable
    public static func madvise(_ address: UnsafeMutableRawPointer, _ length: Int, _ advice: Int32,
                               _ operation: @autoclosure () -> String, hint: (Int32) -> String? = { _ in nil }) throws(SystemError) {
        _ = try check(Glibc.madvise(address, length, advice), operation(), hint: hint)
    }

    /// `mlock(2)`.
    @inlinable
    public static func mlock(_ address: UnsafeMutableRawPointer, _ length: Int, _ operation: @autoclosure () -> String,
                             hint: (Int32) -> String? = { _ in nil }) throws(SystemError) {
        _ = try check(Glibc.mlock(address, length), operation(), hint: hint)
    }

    /// `munlock(2)`.
    @inlinable
    public static func munlock(_ address: UnsafeMutableRawPointer, _ length: Int,
                               _ operation: @autoclosure () -> String) throws(SystemError) {
        _ = try check(Glibc.munlock(address, length), operation())
    }

    /// `mmap(2)`; the mapping's address.
    public static func mmap(_ address: UnsafeMutableRawPointer?, _ length: Int, _ protection: Int32, _ flags: Int32,
                            _ fd: Int32 = -1, _ operation: @autoclosure () -> String,
                            hint: (Int32) -> String? = { _ in nil }) throws(SystemError) -> UnsafeMutableRawPointer {
        guard let mapped = Glibc.mmap(address, length, protection, flags, fd, 0), mapped != MAP_FAILED else {
            let code = errno
            throw SystemError(operation(), errno: code, hint: hint(code))
        }
        return mapped
    }

    /// `munmap(2)`. It fails only for a range that was never a mapping, a bug: nothing to report.
    public static func munmap(_ address: UnsafeMutableRawPointer, _ length: Int) {
        _ = Glibc.munmap(address, length)
    }
}

/// `flock(2)` under another name: inside `Syscall` its own `flock` hides the C function, and
/// `Glibc.flock` names the C struct of the same name.
@usableFromInline
func lockFile(_ fd: Int32, _ operation: Int32) -> Int32 { flock(fd, operation) }
