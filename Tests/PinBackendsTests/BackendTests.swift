#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem
import PinTestSupport
import Testing

/// The backend called `id` with its default options (every standard backend has defaults).
func makeBackend(_ id: BackendID) throws -> any PinBackend {
    try #require(Backends.catalog.named(id)).defaults().makeBackend()
}

/// Pins a whole region in two chunks, verifies, unpins, verifies: the real system calls on
/// real memory, in the order `Job` makes them. Serialized because mlock's check reads the
/// process-wide `VmLck`.
func roundTrip(_ backend: any PinBackend, _ region: Region) throws -> (pinned: Verification, unpinned: Verification) {
    let half = region.size.bytes / 2
    let chunks = [Chunk(offset: 0, length: half), Chunk(offset: half, length: region.size.bytes - half)]
    let baseline = try ProcStatus.current()
    try backend.prepare(region)
    defer { backend.finish(region) }
    for chunk in chunks { try backend.pin(region, chunk) }
    let pinned = backend.verifyPinned(region, baseline: baseline)
    for chunk in chunks { try backend.unpin(region, chunk) }
    return (pinned, backend.verifyUnpinned(region, baseline: baseline))
}

@Suite("Backends on 32 MiB of real memory", .serialized)
struct BackendTests {
    /// Every backend but kmod, which needs PinBench's module loaded (its own tests below).
    static let backends = Backends.standard.map { $0.backend }.filter { $0 != .kmod }
    static let moduleLoaded = access(PinBenchModule.devicePath, F_OK) == 0

    static let cases: [(BackendID, MemoryKind)] = backends.flatMap { backend in
        [MemoryKind.anon, .thp].map { (backend, $0) }
    }

    @Test("pin then unpin verifies", arguments: cases)
    func verifies(backend: BackendID, memory: MemoryKind) throws {
        let region = try Region.map(kind: memory, size: .mib(32))
        let (pinned, unpinned) = try roundTrip(try makeBackend(backend), region)
        #expect(pinned.passed, "\(pinned)")
        #expect(unpinned.passed, "\(unpinned)")
    }

    @Test("verification fails on a region that was never pinned", arguments: backends)
    func failsWhenNotPinned(backend: BackendID) throws {
        let region = try Region.map(kind: .anon, size: .mib(8))
        region.base.storeBytes(of: 1, as: UInt8.self)  // one page only
        let made = try makeBackend(backend)
        try made.prepare(region)
        defer { made.finish(region) }
        let check = made.verifyPinned(region, baseline: try ProcStatus.current())
        #expect(!check.passed)
        // foliosim counts its simulated pins, which no page of this region has.
        #expect(check.detail.contains(backend == .foliosim ? "refcount 1 (expected 1025)" : "1/2048"), "\(check)")
    }

    @Test("kmod pins through the module, in both pin paths a kind allows, and verifies by its counts and VmPin",
          .enabled(if: moduleLoaded, "needs PinBench's module loaded (/dev/pinbench); the lab suite loads it in its guest"),
          arguments: [(MemoryKind.anon, PinBenchModule.PinPath.remote), (.thp, .fast), (.memfd, .memfd)])
    func kmod(memory: MemoryKind, path: PinBenchModule.PinPath) throws {
        let region = try Region.map(kind: memory, size: .mib(32))
        let backend = try KmodBackend(options: KmodOptions(pin: path))
        let (pinned, unpinned) = try roundTrip(backend, region)
        #expect(pinned.passed, "\(pinned)")
        #expect(unpinned.passed, "\(unpinned)")
        #expect(!backend.verifyPinned(region, baseline: try ProcStatus.current()).passed)  // nothing held now
    }

    @Test("populate's unpin check fails while pages are still mapped")
    func unpinCheckCanFail() throws {
        let region = try Region.map(kind: .anon, size: .mib(8))
        let backend = PopulateBackend()
        try backend.pin(region, Chunk(offset: 0, length: region.size.bytes))
        #expect(!backend.verifyUnpinned(region, baseline: try ProcStatus.current()).passed)
    }

    @Test("mlock moves VmLck by exactly the region and back")
    func mlockAccounting() throws {
        let region = try Region.map(kind: .anon, size: .mib(32))
        let before = try ProcStatus.current().lockedBytes
        let backend = MlockBackend()
        try backend.pin(region, Chunk(offset: 0, length: region.size.bytes))
        #expect(try ProcStatus.current().lockedBytes - before == 32 << 20)
        try backend.unpin(region, Chunk(offset: 0, length: region.size.bytes))
        #expect(try ProcStatus.current().lockedBytes == before)
    }

    @Test("MADV_POPULATE_READ maps every page too")
    func populateRead() throws {
        let region = try Region.map(kind: .anon, size: .mib(16))
        let (pinned, unpinned) = try roundTrip(PopulateOptions(advice: .read).makeBackend(), region)
        #expect(pinned.passed && unpinned.passed)
    }

    @Test("memfd keeps its pages in the page cache but unmaps them on release")
    func memfd() throws {
        let region = try Region.map(kind: .memfd, size: .mib(16))
        let (pinned, unpinned) = try roundTrip(PopulateBackend(), region)
        #expect(pinned.passed && unpinned.passed, "\(pinned) \(unpinned)")
    }
}

/// Nested in `BackendTests` so it is serialized with the other suite that moves `VmLck`.
extension BackendTests {
    @Suite("Backends on hugetlb-2m",
           .enabled(if: geteuid() == 0, "needs root to reserve 2 MiB hugepages in /sys/kernel/mm/hugepages"))
    struct Hugetlb {
        @Test("every backend verifies on 32 MiB of 2 MiB hugetlb pages", arguments: BackendTests.backends)
        func hugetlb(backend: BackendID) throws {
        try HugepageTestLock.shared {
                let reservation = try HugepageReservation(pageSize: PageSize.pmd.bytes, additional: 16)
                defer { reservation.release() }
                try #require(reservation.granted == 16, "the kernel gave \(reservation.granted) of 16 pages")
                let region = try Region.map(kind: .hugetlb2m, size: .mib(32))
                let (pinned, unpinned) = try roundTrip(try makeBackend(backend), region)
                #expect(pinned.passed, "\(pinned)")
                #expect(unpinned.passed, "\(unpinned)")
                if backend == .mlock { #expect(pinned.detail.contains("VmLck +0")) }  // hugetlb is not charged
        }
    }
    }
}
