#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinSystem
import PinTestSupport
import Testing

@Suite("Kernel folios from pagemap and kpageflags")
struct KernelFoliosTests {
    /// One folio as `KernelFolios.forEachFolio` reports it, so sequences can be compared with `==`.
    struct Folio: Equatable {
        var firstPage: Int
        var order: Int
    }

    static func folios(of region: Region) throws(SystemError) -> [Folio] {
        var result: [Folio] = []
        try KernelFolios.forEachFolio(region.base, length: region.size.bytes) {
            result.append(Folio(firstPage: $0, order: $1))
        }
        return result
    }

    // MARK: Address space for simulated ranges (any user)

    @Test("reserve gives address space only, aligned as asked, of the requested size")
    func reserves() throws {
        let region = try Region.reserve(kind: .hugetlb1g, size: .gib(2), alignment: .pud)
        #expect(region.backing == .addressSpace)
        #expect(region.address % PageSize.pud.bytes == 0)
        #expect(region.size == .gib(2))
        #expect(region.kind == .hugetlb1g)
        // No memory stands behind it.
        #expect(try Residency.residentBasePages(region.base, length: region.size.bytes) == 0)
    }

    @Test("reserve refuses a size that is not whole pages of the kind")
    func reserveRefusesBadSize() {
        #expect(throws: RegionError.invalidSize(.sizeNotPageMultiple(size: .mib(3), kind: .hugetlb2m))) {
            try Region.reserve(kind: .hugetlb2m, size: .mib(3), alignment: .pud)
        }
    }

    @Test("an mTHP kind is refused for real mappings, pointing at foliosim and its sysfs switch")
    func mthpIsSimulatedOnly() {
        do {
            try Region.checkCapacity(kind: .mthp16k, size: .mib(16))
            Issue.record("mthp-16k should be refused for a real mapping")
        } catch {
            #expect(error == .simulatedOnly(kind: .mthp16k))
            #expect(error.description.contains("--backend foliosim"))
            #expect(error.description.contains("hugepages-16kB"))
        }
    }

    // MARK: Real folios (root)

    @Test("a populated 8 MiB anon region is 2048 order-0 folios in address order",
          .enabled(if: geteuid() == 0, "reading frame numbers and /proc/kpageflags needs root"))
    func anonFolios() throws {
        let region = try Region.map(kind: .anon, size: .mib(8))
        for page in 0..<region.basePages {
            region.base.storeBytes(of: 1, toByteOffset: page * PageSize.base.bytes, as: UInt8.self)
        }
        let folios = try Self.folios(of: region)
        #expect(folios == (0..<2048).map { Folio(firstPage: $0, order: 0) })
    }

    @Test("an unpopulated region is refused with EFAULT",
          .enabled(if: geteuid() == 0, "reading frame numbers and /proc/kpageflags needs root"))
    func unpopulatedRegion() throws {
        let region = try Region.map(kind: .anon, size: .mib(1))
        do {
            _ = try Self.folios(of: region)
            Issue.record("an unpopulated region should not give folios")
        } catch {
            #expect(error.errno == EFAULT, "\(error)")
        }
    }

    @Test("a populated 8 MiB hugetlb-2m region is four order-9 folios",
          .enabled(if: geteuid() == 0, "reading frame numbers and /proc/kpageflags needs root"))
    func hugetlbFolios() throws {
        try HugepageTestLock.shared {
            let reservation = try HugepageReservation(pageSize: PageSize.pmd.bytes, additional: 4)
            defer { reservation.release() }
            // A fragmented machine may give fewer pages: that says nothing about KernelFolios, so skip.
            if reservation.granted < 4 {
                try Test.cancel("the kernel gave \(reservation.granted) of 4 huge pages")
            }
            // The region is dropped at the end of this scope, before the pages go back to the kernel.
            do {
                let region = try Region.map(kind: .hugetlb2m, size: .mib(8))
                for page in 0..<4 {
                    region.base.storeBytes(of: 1, toByteOffset: page * PageSize.pmd.bytes, as: UInt8.self)
                }
                let folios = try Self.folios(of: region)
                #expect(folios == [0, 512, 1024, 1536].map { Folio(firstPage: $0, order: 9) })
            }
        }
    }
}
