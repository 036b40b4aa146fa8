import PinCore
import Testing

@Suite("User (QEMU) plans on exact numbers")
struct UserPlanTests {
    @Test("pages / N each, the first pages % N one page more")
    func slices() throws {
        // 10 pages of 2 MiB over 3 threads: 4, 3, 3 pages.
        let plan = try CutPlanner.plan(strategy: .user, size: .mib(20), memory: .hugetlb2m, threads: 3)
        #expect(plan.bytesPerThread == [8 << 20, 6 << 20, 6 << 20])
        #expect(plan.chunks.map(\.offset) == [0, 8 << 20, 14 << 20])
        #expect(plan.cutsInsideFolio == 0)
    }

    @Test("QEMU's default cuts THP-backed memory at 4 KiB, inside folios; --cut-align folio does not")
    func thpCuts() throws {
        let size = ByteSize.mib(30)  // 7680 base pages over 4 threads: 1920 each = 7.5 MiB
        let qemu = try CutPlanner.plan(strategy: .user, size: size, memory: .thp, threads: 4)
        #expect(qemu.bytesPerThread == Array(repeating: 7680 << 10, count: 4))
        #expect(qemu.cutsInsideFolio == 3)  // cuts at 7.5M, 15M and 22.5M: none on a 2M boundary
        let folio = try CutPlanner.plan(strategy: .user, size: size, memory: .thp, threads: 4, cutAlign: .folio)
        #expect(folio.bytesPerThread == [8 << 20, 8 << 20, 8 << 20, 6 << 20])
        #expect(folio.cutsInsideFolio == 0)
    }

    @Test("no more slices than units, and a short tail joins the last slice")
    func clampsAndTails() throws {
        let plan = try CutPlanner.plan(strategy: .user, size: .mib(3), memory: .anon, threads: 8, cutAlign: .pmd)
        #expect(plan.workers == 1)
        #expect(plan.chunks == [Chunk(offset: 0, length: 3 << 20)])
        let hugetlb = try CutPlanner.plan(strategy: .user, size: .gib(2), memory: .hugetlb1g, threads: 16)
        #expect(hugetlb.workers == 2)
    }

    @Test("a cut never splits a hugetlb page even when asked for base alignment")
    func neverSplitsHugetlb() throws {
        let plan = try CutPlanner.plan(strategy: .user, size: .mib(6), memory: .hugetlb2m, threads: 2, cutAlign: .base)
        #expect(plan.alignment == .pmd)
        #expect(plan.bytesPerThread == [4 << 20, 2 << 20])
    }

    @Test("single is one chunk on one worker")
    func single() throws {
        let plan = try CutPlanner.plan(strategy: .single, size: .gib(4), memory: .thp, threads: 64)
        #expect(plan.workers == 1 && plan.chunks.count == 1 && plan.cuts == 0)
    }
}
