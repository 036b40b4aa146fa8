#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinSystem
import PinTestSupport
import Testing

@Suite("Regions: real mappings of every kind")
struct RegionTests {
    @Test("ordinary kinds map aligned to their folio size", arguments: [MemoryKind.anon, .thp, .memfd])
    func maps(kind: MemoryKind) throws {
        let region = try Region.map(kind: kind, size: .mib(32))
        #expect(region.address % kind.folioSize.bytes == 0)
        #expect(region.size == .mib(32))
        #expect(try Residency.residentBasePages(region.base, length: region.size.bytes) == 0)
        region.base.storeBytes(of: 7, toByteOffset: region.size.bytes - 1, as: UInt8.self)
        #expect(region.base.load(fromByteOffset: region.size.bytes - 1, as: UInt8.self) == 7)
    }

    @Test("a size that is not a whole number of pages is refused")
    func notPageMultiple() {
        #expect(throws: RegionError.invalidSize(.sizeNotPageMultiple(size: .mib(3), kind: .hugetlb2m))) {
            try Region.map(kind: .hugetlb2m, size: .mib(3))
        }
        #expect(throws: RegionError.self) { try Region.map(kind: .anon, size: ByteSize(5000)) }
    }

    @Test("more than the machine can give is refused before mapping")
    func tooLarge() throws {
        let memory = try MemoryInfo.current()
        let size = ByteSize(roundUp(memory.availableBytes + (1 << 30), toMultipleOf: 4096))
        do {
            _ = try Region.map(kind: .anon, size: size)
            Issue.record("mapping \(size) should have been refused")
        } catch {
            guard case .notEnoughMemory = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("MemAvailable"))
        }
    }

    @Test("a hugetlb pool too small gives the exact command that reserves it")
    func poolTooSmall() throws {
        guard let pool = HugepagePool.read(pageSize: PageSize.pud.bytes) else { return }
        let size = ByteSize((pool.available + 1) * PageSize.pud.bytes)  // never mapped: refused first
        do {
            _ = try Region.map(kind: .hugetlb1g, size: size)
            Issue.record("mapping \(size) of hugetlb-1g should have been refused")
        } catch {
            guard case .hugepagePoolTooSmall(_, let needed, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(needed == pool.available + 1)
            #expect(error.description.contains("echo \(pool.total + 1) | sudo tee /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"))
        }
    }

    @Test("a hugetlbfs kind with no mount libhugetlbfs knows is refused with the mount command",
          .enabled(if: HugetlbfsMount.path(forPageSize: PageSize.pmd.bytes) == nil
                   && HugepagePool.read(pageSize: PageSize.pmd.bytes) != nil,
                   "a 2 MiB hugetlbfs was mounted when the tests started, or there is no 2 MiB pool"))
    func noHugetlbfsMount() throws {
        do {
            _ = try Region.map(kind: .hugetlbfs2m, size: .mib(4))
            Issue.record("mapping hugetlbfs-2m without a mount should have been refused")
        } catch {
            // A parallel test may have mounted one since this process started: named, not used.
            guard case .noHugetlbfsMount(.hugetlbfs2m, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("libhugetlbfs"))
            if case .noHugetlbfsMount(_, nil) = error {
                #expect(error.description.contains("mkdir -p /dev/hugepages && mount -t hugetlbfs -o pagesize=2M none /dev/hugepages"))
                #expect(error.description.contains("not seen until its next start"))
            }
        }
    }

    @Test("unmapping on release: the address range is gone afterwards")
    func unmaps() throws {
        var region: Region? = try Region.map(kind: .anon, size: .mib(4))
        let address = region!.base
        region = nil
        // mincore on an unmapped range fails with ENOMEM.
        var vector = [UInt8](repeating: 0, count: 1024)
        #expect(mincore(address, 4 << 20, &vector) == -1 && errno == ENOMEM)
    }
}

/// hugetlb needs a reserved pool: as root the suite reserves a few pages and gives them back.
@Suite("Regions: hugetlb with a reserved pool", .serialized,
       .enabled(if: geteuid() == 0, "needs root to reserve hugepages in /sys/kernel/mm/hugepages"))
struct HugetlbRegionTests {
    @Test("hugetlb-2m and memfd-hugetlb-2m map, fault and return their pages",
          arguments: [MemoryKind.hugetlb2m, .memfdHugetlb2m])
    func hugetlb(kind: MemoryKind) throws {
        try HugepageTestLock.shared {
            let reservation = try HugepageReservation(pageSize: PageSize.pmd.bytes, additional: 8)
            defer { reservation.release() }
            try #require(reservation.granted == 8, "the kernel gave \(reservation.granted) of 8 pages")
            var address = 0
            do {
                let region = try Region.map(kind: kind, size: .mib(16))
                address = region.address
                #expect(address % PageSize.pmd.bytes == 0)
                for page in 0..<8 { region.base.storeBytes(of: 1, toByteOffset: page << 21, as: UInt8.self) }
                // The region's own mapping, not the machine-wide pool that parallel tests share.
                let mapping = try #require(Self.smaps(at: address))
                #expect(mapping["KernelPageSize"] == 2 << 20)
                #expect((mapping["Private_Hugetlb"] ?? 0) + (mapping["Shared_Hugetlb"] ?? 0) == 16 << 20)
            }
            #expect(Self.smaps(at: address) == nil, "the mapping outlived its region")
        }
    }

    /// The kB fields of the `/proc/self/smaps` entry whose mapping starts at `address`, in bytes.
    static func smaps(at address: Int) -> [String: Int]? {
        guard let text = try? ProcFile.read("/proc/self/smaps") else { return nil }
        let prefix = String(address, radix: 16) + "-"
        var lines = text.split(separator: "\n")[...]
        while let line = lines.popFirst() {
            guard line.hasPrefix(prefix) else { continue }
            // Field lines ("Size:  16384 kB") run until the next mapping's header line.
            let fields = lines.prefix { $0.split(separator: " ").first?.hasSuffix(":") == true }
            return ProcFile.parseKilobyteFields(fields.joined(separator: "\n"))
        }
        return nil
    }
}
