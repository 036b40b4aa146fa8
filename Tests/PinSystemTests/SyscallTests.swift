#if canImport(Glibc)
import Glibc
#endif
import PinSystem
import Testing

@Suite("Syscall: EINTR retried in one place, errors with their call and errno")
struct SyscallTests {
    /// A call that is interrupted `interruptions` times, then returns `result` (or fails with `final`).
    final class Interrupted {
        var calls = 0
        let interruptions: Int
        init(_ interruptions: Int) { self.interruptions = interruptions }
        func call(result: Int32, final: Int32? = nil) -> Int32 {
            calls += 1
            if calls <= interruptions {
                errno = EINTR
                return -1
            }
            if let final {
                errno = final
                return -1
            }
            return result
        }
    }

    @Test("a call interrupted twice is made a third time and its result returned")
    func retries() {
        let interrupted = Interrupted(2)
        #expect(Syscall.retryingInterrupts { interrupted.call(result: 7) } == 7)
        #expect(interrupted.calls == 3)
    }

    @Test("another errno ends the retries at once and is what the error carries")
    func otherErrors() {
        let interrupted = Interrupted(1)
        let result = Syscall.retryingInterrupts { interrupted.call(result: 0, final: EBADF) }
        #expect(result == -1 && interrupted.calls == 2)
        #expect { try Syscall.check(result, "test(7)") { $0 == EBADF ? "a closed descriptor" : nil } } throws: { error in
            (error as? SystemError) == SystemError("test(7)", errno: EBADF, hint: "a closed descriptor")
        }
    }

    @Test("the operation's text is built only when the call failed")
    func lazyOperation() throws {
        var built = 0
        func name() -> String { built += 1; return "named" }
        #expect(try Syscall.check(Int32(3), name()) == 3)
        #expect(built == 0)
        #expect(throws: SystemError.self) { try Syscall.check(Int32(-1), name()) }
        #expect(built == 1)
    }

    @Test("madvise and mmap report their call; munmap of a mapping frees it")
    func memory() throws {
        let page = try Syscall.mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, "mmap(test)")
        try Syscall.madvise(page, 4096, MADV_DONTNEED, "madvise(MADV_DONTNEED)")
        #expect { try Syscall.madvise(page + 1, 4096, MADV_DONTNEED, "madvise(unaligned)") } throws: { error in
            (error as? SystemError).map { $0.operation == "madvise(unaligned)" && $0.errno == EINVAL } == true
        }
        Syscall.munmap(page, 4096)
    }
}
