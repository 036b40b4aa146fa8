#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PinSystem
import Testing

@Suite("FileDescriptor: opens with O_CLOEXEC, reads and writes whole, closes itself")
struct FileDescriptorTests {
    static func temporaryPath() -> String { NSTemporaryDirectory() + "pinbench-fd-\(UUID().uuidString)" }

    @Test("the descriptor is closed when the last reference goes")
    func closesItself() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        var raw: Int32 = -1
        do {
            let file = try FileDescriptor(opening: path, O_RDWR | O_CREAT, mode: 0o600)
            raw = file.rawValue
            #expect(fcntl(raw, F_GETFD) & FD_CLOEXEC != 0)
        }
        #expect(fcntl(raw, F_GETFD) == -1 && errno == EBADF)
    }

    @Test("a missing path is refused naming open(2), the path and the errno, with the caller's hint")
    func missing() {
        #expect { try FileDescriptor(opening: "/nonexistent/pinbench", O_RDONLY) { _ in "create it first" } } throws: { error in
            guard let error = error as? SystemError else { return false }
            return error.operation == "open(/nonexistent/pinbench)" && error.errno == ENOENT && error.hint == "create it first"
        }
    }

    @Test("writeAll, pwrite, pread, truncate and status agree on the bytes")
    func readWrite() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        let file = try FileDescriptor(opening: path, O_RDWR | O_CREAT, mode: 0o600)
        try file.writeAll("hello, pins\n")
        #expect(try file.status().st_size == 12)
        try file.write("H", at: 0)
        var buffer = [UInt8](repeating: 0, count: 5)
        let got = try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(SystemError) -> Int in try file.read(into: raw, at: 0) }
        }.get()
        #expect(got == 5 && String(decoding: buffer, as: UTF8.self) == "Hello")
        try file.truncate(to: 5)
        try file.sync()
        #expect(try ProcFile.read(path) == "Hello")
        let again = try FileDescriptor(opening: path, O_RDONLY)
        #expect(try again.readToEnd() == Array("Hello".utf8))
    }

    @Test("an ioctl a file does not support fails with ENOTTY and names the request and the path")
    func ioctl() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        let file = try FileDescriptor(opening: path, O_RDWR | O_CREAT, mode: 0o600)
        var argument: UInt64 = 0
        #expect { try file.ioctl("PINBENCH_TEST", 0x4008_ff01, &argument) } throws: { error in
            guard let error = error as? SystemError else { return false }
            return error.errno == ENOTTY && error.operation == "PINBENCH_TEST on \(path)"
        }
    }
}
