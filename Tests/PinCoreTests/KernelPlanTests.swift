import PinCore
import Testing

@Suite("Kernel (padata) plans on exact numbers")
struct KernelPlanTests {
    @Test("the RFC's 360 GiB example: 16 workers, 5760 MiB chunks, 64 chunks")
    func rfcExample() throws {
        let plan = try CutPlanner.plan(strategy: .kernel, size: .gib(360), memory: .hugetlb2m, threads: 16,
                                       kernel: KernelPlanParameters(align: .pmd, minChunk: .mib(128)))
        #expect(plan.workers == 16)
        #expect(plan.chunkSize == .mib(5760))
        #expect(plan.chunks.count == 64)
        #expect(plan.cutsInsideFolio == 0)
        #expect(plan.assignment == .sharedCursor)
    }

    @Test("1 GiB folios with align folio put every cut on a PUD boundary")
    func gigantic() throws {
        // 10G / (10 * 4) = 256M -> rounded up to 1G; PMD alignment would have cut inside folios.
        let folio = try CutPlanner.kernelPlan(size: .gib(10), memory: .hugetlb1g,
                                              parameters: KernelPlanParameters(align: .folio, minChunk: .mib(128), maxThreads: 10))
        #expect(folio.chunkSize == .gib(1))
        #expect(folio.chunks.count == 10)
        #expect(folio.cutsInsideFolio == 0)
        let pmd = try CutPlanner.kernelPlan(size: .gib(10), memory: .hugetlb1g,
                                            parameters: KernelPlanParameters(align: .pmd, minChunk: .mib(128), maxThreads: 10))
        #expect(pmd.chunkSize == .mib(256))
        #expect(pmd.chunks.count == 40)
        #expect(pmd.cutsInsideFolio == 30)  // 39 cuts, 9 of them on 1 GiB boundaries
    }

    @Test("a range smaller than minChunk is one worker and one chunk")
    func small() throws {
        let plan = try CutPlanner.plan(strategy: .kernel, size: .mib(64), memory: .thp, threads: 16)
        #expect(plan.workers == 1)
        #expect(plan.chunks == [Chunk(offset: 0, length: 64 << 20)])
    }

    @Test("threads cap max_threads; uneven tails are one short chunk")
    func capsAndTails() throws {
        // 1000M / 128M = 7 works; chunk = max(1000M / 28, 128M) = 128M (aligned to 2M).
        let plan = try CutPlanner.plan(strategy: .kernel, size: .mib(1000), memory: .anon, threads: 32)
        #expect(plan.workers == 7)
        #expect(plan.chunkSize == .mib(128))
        #expect(plan.chunks.count == 8)
        #expect(plan.chunks.last == Chunk(offset: 7 * (128 << 20), length: 104 << 20))
        let capped = try CutPlanner.plan(strategy: .kernel, size: .gib(64), memory: .anon, threads: 4)
        #expect(capped.workers == 4)
        #expect(capped.chunkSize == .gib(4))  // 64G / (4 * 4)
        #expect(capped.kernel?.maxThreads == 4)  // the RFC's 16, capped by the 4 threads asked for
    }

    @Test("bad knobs are errors, not crashes")
    func badKnobs() {
        #expect(throws: PlanError.zeroThreads) {
            try CutPlanner.plan(strategy: .kernel, size: .gib(1), memory: .anon, threads: 0)
        }
        #expect(throws: PlanError.self) {
            try CutPlanner.kernelPlan(size: .gib(1), memory: .anon, parameters: KernelPlanParameters(minChunk: ByteSize(0)))
        }
    }
}

@Suite("Kernel plans a fuzzer wrote")
struct KernelPlanBoundsTests {
    @Test("655360 workers over 4.5P would cut 2.6 million chunks (ten seconds under the fuzzer): refused with what to change")
    func tooManyChunks() {
        #expect {
            try CutPlanner.plan(strategy: .kernel, size: ByteSize(0x0012_0000_0000_0000), memory: .anon, threads: 655_360,
                                kernel: KernelPlanParameters(align: .base, minChunk: ByteSize(0x5374_7269), maxThreads: 655_360))
        } throws: { "\($0)".contains("PinBench plans at most 1048576: raise --min-chunk or lower --threads") }
    }
}
