#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PinSystem
import Testing

/// Inputs a new user tried on 2026-12-01 (issue 17): each once crashed, or ran when it should not.
@Suite("Bad sizes and thread counts are errors or marked, never a crash")
struct BadInputCommandTests {
    @Test("a size near Int.max is refused with the address space ceiling (it was SIGILL, an overflow)", arguments: [
        // Past the largest address space, --size's range refuses it while parsing (issue 24) ...
        (["run", "--size", "9223372036854775807", "--reps", "1"], "is invalid for '--size <size>': out of range 1...64P"),
        (["plan", "--size", "9223372036854771712", "--strategy", "kernel"], "is invalid for '--size <size>': out of range 1...64P"),
        // ... within it, the machine's own address space does.
        (["run", "--backend", "foliosim", "--size", "64P", "--reps", "1"], "cannot be mapped: a range must fit the address space, at most"),
    ])
    func hugeSizes(arguments: [String], message: String) throws {
        let result = try PinbenchProcess.run(arguments)
        #expect(result.status == 2, "status \(result.status), stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("more workers than the kernel lets this process start are refused before any memory is used")
    func tooManyThreads() throws {
        let limit = ThreadLimit.current().threads
        try #require(limit < 1 << 22, "threads-max \(limit) is too large to exceed with a small plan")
        // One slice per 4 KiB page: a region of limit + 1 pages plans limit + 1 threads (no memory is mapped).
        let size = String((limit + 1) * 4096)
        let result = try PinbenchProcess.run(["run", "--strategy", "user", "--memory", "anon", "--threads", String(limit + 1),
                                              "--size", size, "--reps", "1", "--warmup", "0"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("this process may start at most \(limit)"), "\(result.stderr)")
    }

    @Test("more workers than CPUs run, and the row and records say oversubscribed")
    func oversubscribed() throws {
        let threads = CPUSet.allowed().count + 1
        let result = try PinbenchProcess.run(["run", "--strategy", "single,user", "--memory", "anon", "--threads", String(threads),
                                              "--size", "4M", "--reps", "1", "--warmup", "0", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("| user | \(threads) (oversubscribed) |"), "\(result.stderr)")
        #expect(result.stderr.contains("| single | 1 |"))
        let records = result.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(records.count == 2)
        #expect(records.filter { $0.contains("\"oversubscribed\":true") }.count == 1)
    }
}
