#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PinSystem
import Testing

@Suite("FileLock: one flock for the whole package")
struct FileLockTests {
    @Test("an exclusive lock refuses a second open file until it is released")
    func exclusive() throws {
        let path = NSTemporaryDirectory() + "pinbench-lock-\(UUID().uuidString)"
        defer { unlink(path) }
        var first: FileLock? = try FileLock.acquire(path)
        #expect(first != nil)
        #expect(try FileLock.attempt(path) == nil)
        #expect(try FileLock.attempt(path, .shared) == nil)
        first = nil
        let second = try FileLock.attempt(path)
        #expect(second != nil)
    }

    @Test("shared locks coexist and keep an exclusive one out")
    func shared() throws {
        let path = NSTemporaryDirectory() + "pinbench-lock-\(UUID().uuidString)"
        defer { unlink(path) }
        let one = try FileLock.acquire(path, .shared)
        let two = try FileLock.attempt(path, .shared)
        #expect(two != nil)
        #expect(try FileLock.attempt(path, .exclusive) == nil)
        withExtendedLifetime((one, two)) {}
    }

    @Test("a lock file that cannot be created is an error naming open(2)")
    func unwritable() {
        #expect { try FileLock.acquire("/nonexistent/pinbench.lock") } throws: { error in
            (error as? SystemError)?.operation == "open(/nonexistent/pinbench.lock)"
        }
    }
}
