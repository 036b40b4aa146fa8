import PinSystem
import Testing

@Suite("/proc and sysfs parsing")
struct ProcParsingTests {
    @Test("status fields are tab-and-space padded kB values")
    func status() {
        let text = "Name:\tpinbench\nVmLck:\t    2048 kB\nVmPin:\t       0 kB\nVmRSS:\t  123456 kB\nThreads:\t3\n"
        let status = ProcStatus(parsing: text)
        #expect(status.lockedBytes == 2048 * 1024)
        #expect(status.pinnedBytes == 0)
        #expect(status.residentBytes == 123_456 * 1024)
    }

    @Test func meminfo() {
        let info = MemoryInfo(parsing: "MemTotal:       24000000 kB\nMemFree:        1 kB\nMemAvailable:   20000000 kB\n")
        #expect(info.totalBytes == 24_000_000 * 1024)
        #expect(info.availableBytes == 20_000_000 * 1024)
        #expect(info.marginBytes == 24_000_000 * 1024 / 32)
        #expect(info.usableBytes == info.availableBytes - info.marginBytes)
        #expect(MemoryInfo(totalBytes: 1 << 30, availableBytes: 100 << 20).usableBytes == 0)
    }

    @Test("this process's status is readable and has the fields")
    func live() throws {
        let status = try ProcStatus.current()
        #expect(status.residentBytes > 0)
    }

    @Test("memlock limits: CAP_IPC_LOCK bypasses, unlimited allows")
    func memlock() {
        #expect(MemlockLimit(softBytes: 8 << 20, hasIPCLock: false).allows(4 << 20))
        #expect(!MemlockLimit(softBytes: 8 << 20, hasIPCLock: false).allows(4 << 20, alreadyLocked: 6 << 20))
        #expect(MemlockLimit(softBytes: 8 << 20, hasIPCLock: true).allows(1 << 40))
        #expect(MemlockLimit(softBytes: nil, hasIPCLock: false).allows(1 << 40))
        #expect(MemlockLimit(softBytes: 8 << 20, hasIPCLock: false).refusal(for: 1 << 30).contains("ulimit -l"))
    }
}
