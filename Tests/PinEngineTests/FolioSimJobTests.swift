@testable import PinBackends
import PinContract
import PinCore
import PinEngine
import PinSystem
import Testing

/// Whole jobs on the foliosim backend: every strategy and GUP mode verifies with exact counts,
/// the backend's metrics agree with the planner, and the shelf hands a clean simulation to the
/// next job of the same shape. Serialized because several tests look at the one process-wide
/// shelf, which any other foliosim job would take or replace.
@Suite("foliosim jobs: every strategy pins and unpins with exact counts", .serialized)
struct FolioSimJobTests {
    /// The range, on a 1 GiB boundary as the harness reserves it for foliosim.
    static func reserve(_ kind: MemoryKind, _ size: ByteSize) throws -> Region {
        try Region.reserve(kind: kind, size: size, alignment: FolioSimBackend.rangeAlignment)
    }

    static func metric(_ result: JobResult, _ name: String) -> Int? {
        result.backendMetrics?.values[name].map { Int($0) }
    }

    /// (kind, layout, size): 4 KiB, PTE-mapped 64 KiB, PMD-mapped 2 MiB, and a mix.
    static let layouts: [(MemoryKind, FolioLayout, ByteSize)] = [
        (.anon, .memory, .mib(32)), (.mthp64k, .memory, .mib(32)), (.hugetlb2m, .memory, .mib(64)),
        (.thp, .mixed(seed: 5), .mib(64)),
    ]

    static let modes: [(GUPMode, GUPMode)] = GUPMode.allCases.flatMap { pin in GUPMode.allCases.map { (pin, $0) } }

    @Test("single, user and kernel with 2 and 3 threads verify in every pin and unpin mode",
          arguments: layouts.indices, modes)
    func everyStrategy(layoutIndex: Int, modes: (GUPMode, GUPMode)) throws {
        let (kind, layout, size) = Self.layouts[layoutIndex]
        let (pinMode, unpinMode) = modes
        let region = try Self.reserve(kind, size)
        let backend = FolioSimBackend(options: FolioSimOptions(pin: pinMode, unpin: unpinMode, layout: layout))
        let census = layout.census(address: region.address, size: size.bytes, memory: kind)
        let pool = try HelperPool(helpers: 2)
        defer { pool.shutdown() }
        // An 8 MiB minimum chunk gives the kernel strategy several chunks to share out.
        let runs: [(Strategy, Int)] = [(.single, 1), (.user, 2), (.user, 3), (.kernel, 2), (.kernel, 3)]
        for (strategy, threads) in runs {
            let plan = try CutPlanner.plan(strategy: strategy, size: size, memory: kind, threads: threads,
                                           kernel: KernelPlanParameters(align: .pmd, minChunk: .mib(8), maxThreads: threads))
            if strategy == .kernel { #expect(plan.chunks.count >= 4) }
            let result = Job(plan: plan, backend: backend, pool: pool).run(on: region)
            let what = "\(kind) \(layout) \(strategy) x\(threads) \(backend.options)"
            let verified = result.verified  // a local, so a failure prints the checks, not the whole result
            #expect(verified, "\(what): \(result.error ?? "") \(result.pinnedCheck) \(result.unpinnedCheck)")
            #expect(result.pinnedCheck.passed && result.unpinnedCheck.passed, "\(what)")
            #expect(result.pinnedCheck.detail.contains("\(census.folios) folios"), "\(what): \(result.pinnedCheck)")
            #expect(Self.metric(result, "folios") == census.folios, "\(what)")
            // Per-page, one grab per base page; batched, one per folio piece (a cut inside a folio makes two).
            let cuts = try #require(Self.metric(result, "cutsInsideFolio"))
            let pieces = census.folios + cuts
            #expect(Self.metric(result, "pinGrabs") == (pinMode == .perPage ? size.bytes / 4096 : pieces), "\(what)")
            #expect(Self.metric(result, "unpinPuts") == (unpinMode == .perPage ? size.bytes / 4096 : pieces), "\(what)")
            #expect(Self.metric(result, "pinAtomics") == 2 * Self.metric(result, "pinGrabs")!, "\(what)")
        }
        SimulatedMemoryShelf.empty()
    }

    // MARK: - Cuts inside folios

    @Test("user slices cut on 4 KiB inside THP folios: the backend counts the planner's cuts")
    func userCutsInsideFolio() throws {
        let size = ByteSize.mib(12)
        let plan = try CutPlanner.plan(strategy: .user, size: size, memory: .thp, threads: 5, cutAlign: .base)
        #expect(plan.cutsInsideFolio == 4)
        let result = Job(plan: plan, backend: FolioSimBackend(options: FolioSimOptions(layout: .memory)))
            .run(on: try Self.reserve(.thp, size))
        let verified = result.verified
        #expect(verified, "\(result.error ?? "") \(result.pinnedCheck) \(result.unpinnedCheck)")
        #expect(Self.metric(result, "cutsInsideFolio") == plan.cutsInsideFolio)
        // Six 2 MiB folios, four of them cut once.
        #expect(Self.metric(result, "pinGrabs") == 6 + 4)
        SimulatedMemoryShelf.empty()
    }

    @Test("kernel chunks on 2 MiB cut inside 1 GiB folios, and on 1 GiB they do not",
          arguments: [(CutAlign.pmd, 4), (.pud, 0)])
    func kernelCutsInsideFolio(align: CutAlign, expectedCuts: Int) throws {
        let size = ByteSize.gib(4)
        let pool = try HelperPool(helpers: 1)
        defer { pool.shutdown() }
        let plan = try CutPlanner.plan(strategy: .kernel, size: size, memory: .hugetlb1g, threads: 2,
                                       kernel: KernelPlanParameters(align: align, minChunk: .mib(256)))
        #expect(plan.cutsInsideFolio == expectedCuts)
        let result = Job(plan: plan, backend: FolioSimBackend(options: FolioSimOptions(layout: .memory)), pool: pool)
            .run(on: try Self.reserve(.hugetlb1g, size))
        let verified = result.verified
        #expect(verified, "\(result.error ?? "") \(result.pinnedCheck) \(result.unpinnedCheck)")
        #expect(Self.metric(result, "cutsInsideFolio") == plan.cutsInsideFolio)
        #expect(Self.metric(result, "pinGrabs") == 4 + expectedCuts)
        SimulatedMemoryShelf.empty()
    }

    // MARK: - Misuse

    @Test("pinning a region that was never prepared throws, naming prepare")
    func withoutPrepare() throws {
        let region = try Self.reserve(.anon, .mib(4))
        let backend = FolioSimBackend()
        do {
            try backend.pin(region, Chunk(offset: 0, length: region.size.bytes))
            Issue.record("pin without prepare went through")
        } catch {
            #expect(error.description.contains("prepare"), "\(error)")
        }
        #expect(!backend.verifyPinned(region, baseline: ProcStatus(residentBytes: 0, lockedBytes: 0, pinnedBytes: 0)).passed)

        // Prepared for one region, a backend still refuses another of the same shape.
        let other = try Self.reserve(.anon, .mib(4))
        try backend.prepare(other)
        #expect(throws: SystemError.self) { try backend.pin(region, Chunk(offset: 0, length: 4096)) }
        backend.finish(other)
        SimulatedMemoryShelf.empty()
    }

    // MARK: - The shelf

    @Test("the next job of the same shape reuses the clean simulation, on another range too")
    func shelfReuse() throws {
        SimulatedMemoryShelf.empty()
        let size = ByteSize.mib(64)
        let layout = FolioLayout.mixed(seed: 11)
        let backend = FolioSimBackend(options: FolioSimOptions(pin: .folio, unpin: .perPage, layout: layout))
        let plan = try CutPlanner.plan(strategy: .user, size: size, memory: .thp, threads: 3)
        let first = try Self.reserve(.thp, size)
        let second = try Self.reserve(.thp, size)
        #expect(first.address != second.address)

        let one = Job(plan: plan, backend: backend).run(on: first)
        let oneVerified = one.verified
        #expect(oneVerified, "\(one.error ?? "") \(one.pinnedCheck) \(one.unpinnedCheck)")
        // Peek at what finish shelved, then put it back for the next job.
        let shelved = try #require(SimulatedMemoryShelf.take(for: first, layout: layout))
        #expect(shelved.isClean)
        SimulatedMemoryShelf.put(shelved)

        for region in [first, second, first] {
            let again = Job(plan: plan, backend: backend).run(on: region)
            let verified = again.verified
            #expect(verified, "\(again.error ?? "") \(again.pinnedCheck) \(again.unpinnedCheck)")
            #expect(again.backendMetrics?.values == one.backendMetrics?.values)
            let reused = try #require(SimulatedMemoryShelf.take(for: region, layout: layout))
            #expect(reused === shelved, "the job built a new simulation")
            #expect(reused.address == region.address)
            SimulatedMemoryShelf.put(reused)
        }
        SimulatedMemoryShelf.empty()
    }

    @Test("a simulation left pinned is not shelved, and another shape drops what is")
    func shelfRefuses() throws {
        SimulatedMemoryShelf.empty()
        let region = try Self.reserve(.hugetlb2m, .mib(16))
        let backend = FolioSimBackend(options: FolioSimOptions(layout: .memory))
        try backend.prepare(region)
        try backend.pin(region, Chunk(offset: 0, length: region.size.bytes))
        backend.finish(region)  // no unpin: the records are not clean
        #expect(SimulatedMemoryShelf.take(for: region, layout: .memory) == nil)

        let plan = try CutPlanner.plan(strategy: .single, size: .mib(16), memory: .hugetlb2m, threads: 1)
        let clean = Job(plan: plan, backend: backend).run(on: region).verified
        #expect(clean)
        // Taking for another layout or size empties the shelf.
        #expect(SimulatedMemoryShelf.take(for: region, layout: .mixed(seed: 1)) == nil)
        #expect(SimulatedMemoryShelf.take(for: region, layout: .memory) == nil)
        let again = Job(plan: plan, backend: backend).run(on: region).verified
        #expect(again)
        #expect(SimulatedMemoryShelf.take(for: try Self.reserve(.hugetlb2m, .mib(32)), layout: .memory) == nil)
        #expect(SimulatedMemoryShelf.take(for: region, layout: .memory) == nil)
    }

    // MARK: - Size

    @Test("64 GiB of 1 GiB folios pins and verifies with a 1 GiB memmap")
    func sixtyFourGiB() throws {
        defer { SimulatedMemoryShelf.empty() }  // release the 1 GiB memmap
        let size = ByteSize.gib(64)
        let region = try Region.reserve(kind: .hugetlb1g, size: size, alignment: .pud)
        let plan = try CutPlanner.plan(strategy: .single, size: size, memory: .hugetlb1g, threads: 1)
        let backend = FolioSimBackend(options: FolioSimOptions(pin: .folio, layout: .memory))
        let result = Job(plan: plan, backend: backend).run(on: region)
        let verified = result.verified
        #expect(verified, "\(result.error ?? "") \(result.pinnedCheck) \(result.unpinnedCheck)")
        #expect(result.pinnedCheck.detail.contains("64 folios (64 x 1G)"), "\(result.pinnedCheck)")
        #expect(Self.metric(result, "pinGrabs") == 64)
        #expect(Self.metric(result, "unpinPuts") == 64)
    }
}
