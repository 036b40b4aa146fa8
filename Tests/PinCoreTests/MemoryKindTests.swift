import PinCore
import Testing

@Suite("Page, folio and memory kinds")
struct MemoryKindTests {
    @Test func pageSizes() {
        #expect(PageSize.base.bytes == 4096)
        #expect(PageSize.pmd.bytes == 2 << 20)
        #expect(PageSize.pud.bytes == 1 << 30)
        #expect(PageSize.mthp(.kib(64))?.basePages == 16)
        #expect(PageSize(bytes: 3 << 20) == nil)
        #expect(PageSize(bytes: 2048) == nil)
    }

    @Test func foliosPerKind() {
        #expect(MemoryKind.anon.folioSize == .base)
        #expect(MemoryKind.thp.folioSize == .pmd)
        #expect(MemoryKind.thp.pageSize == .base)
        #expect(MemoryKind.hugetlb1g.folioSize == .pud)
        #expect(MemoryKind.memfdHugetlb2m.pageSize == .pmd)
        #expect(MemoryKind.memfd.isShared && !MemoryKind.memfd.isHugetlb)
        #expect(CutAlign.folio.resolve(for: .hugetlb1g) == .pud)
        #expect(CutAlign.page.resolve(for: .thp) == .base)
    }

    @Test("sizes must be whole pages of the kind")
    func validation() throws {
        try MemoryKind.hugetlb2m.validate(size: .mib(4))
        #expect(throws: PlanError.sizeNotPageMultiple(size: .mib(3), kind: .hugetlb2m)) {
            try MemoryKind.hugetlb2m.validate(size: .mib(3))
        }
        #expect(throws: PlanError.emptyRange) { try MemoryKind.anon.validate(size: ByteSize(0)) }
        let message = PlanError.sizeNotPageMultiple(size: .mib(1536), kind: .hugetlb1g).description
        #expect(message.contains("1G or 2G"))
    }

    @Test("hugetlbfs-2m and hugetlbfs-1g are shared files drawing on the hugetlb pools")
    func hugetlbfsKinds() throws {
        #expect(try #require(MemoryKind(rawValue: "hugetlbfs-2m")) == .hugetlbfs2m)
        #expect(MemoryKind.hugetlbfs2m.pageSize == .pmd && MemoryKind.hugetlbfs2m.folioSize == .pmd)
        #expect(MemoryKind.hugetlbfs1g.pageSize == .pud && MemoryKind.hugetlbfs1g.folioSize == .pud)
        #expect(MemoryKind.hugetlbfs2m.hugetlbPageSize == .pmd)
        #expect(MemoryKind.hugetlbfs1g.hugetlbPageSize == .pud)
        for kind in [MemoryKind.hugetlbfs2m, .hugetlbfs1g] {
            #expect(kind.isShared && kind.isHugetlb && kind.mapsHugetlbfsFile, "\(kind)")
        }
        #expect(MemoryKind.allCases.filter(\.mapsHugetlbfsFile) == [.hugetlbfs2m, .hugetlbfs1g])
    }
}

@Suite("mTHP memory kinds")
struct MTHPKindTests {
    @Test("mthp-16k and mthp-64k are 4 KiB-mapped 16 and 64 KiB folios, simulated only, not hugetlb")
    func mthpKinds() {
        #expect(MemoryKind.mthp16k.pageSize == .base)
        #expect(MemoryKind.mthp64k.pageSize == .base)
        #expect(MemoryKind.mthp16k.folioSize.bytes == 16 << 10)
        #expect(MemoryKind.mthp64k.folioSize.bytes == 64 << 10)
        for kind in [MemoryKind.mthp16k, .mthp64k] {
            #expect(kind.isSimulatedOnly, "\(kind)")
            #expect(!kind.isHugetlb, "\(kind)")
            #expect(kind.hugetlbPageSize == nil, "\(kind)")
        }
        // A folio-aligned cut of mthp-64k does not split its 64 KiB folios.
        #expect(CutAlign.folio.resolve(for: .mthp64k).bytes == 64 << 10)
    }

    @Test("every kind that maps real memory is not simulated only",
          arguments: [MemoryKind.anon, .thp, .hugetlb2m, .hugetlb1g, .memfd, .memfdHugetlb2m, .memfdHugetlb1g,
                      .hugetlbfs2m, .hugetlbfs1g])
    func realKinds(kind: MemoryKind) {
        #expect(!kind.isSimulatedOnly)
    }
}
