import PinBackends
import PinContract
import PinCore
import PinEngine
import PinSystem
import Testing

@Suite("Jobs bind their workers and sample where the pages went")
struct JobPlacementTests {
    @Test("every worker runs on the CPU it is bound to, and the caller gets its CPUs back", arguments: Strategy.allCases)
    func workersRunWhereBound(strategy: Strategy) throws {
        let allowed = CPUSet.allowed()
        // Worker i on one CPU, going round the CPUs this process may use (the reverse order,
        // so worker 0 is not simply left where the caller already was).
        let cpuFor: @Sendable (Int) -> [Int]? = { [allowed[allowed.count - 1 - $0 % allowed.count]] }
        let pool = try HelperPool(helpers: 3, cpus: { cpuFor($0 + 1) })
        defer { pool.shutdown() }
        let size = ByteSize(64 * 4096)
        let region = try Region.map(kind: .anon, size: size)
        let plan = try CutPlanner.plan(strategy: strategy, size: size, memory: .anon, threads: 4,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .kib(4), maxThreads: 4))
        let result = Job(plan: plan, backend: RecordingBackend(), pool: pool, workerCPUs: cpuFor).run(on: region)
        #expect(result.verified, "\(result.error ?? "")")
        #expect(result.threads.count == plan.workers)
        for thread in result.threads {
            #expect(thread.cpu == cpuFor(thread.index)![0], "\(strategy) worker \(thread.index)")
        }
        #expect(CPUSet.allowed() == allowed)
    }

    @Test("a binding to a CPU that does not exist fails the job instead of running unbound")
    func impossibleBinding() throws {
        let size = ByteSize(16 * 4096)
        let region = try Region.map(kind: .anon, size: size)
        let allowed = CPUSet.allowed()
        let plan = try CutPlanner.plan(strategy: .single, size: size, memory: .anon, threads: 1)
        let result = Job(plan: plan, backend: RecordingBackend(), workerCPUs: { _ in [4000] }).run(on: region)
        #expect(!result.verified)
        #expect(result.error?.contains("binding the caller") == true)
        #expect(CPUSet.allowed() == allowed)
    }

    @Test("after the pin phase a sample of pages is located; none is asked for by default")
    func placementSample() throws {
        let size = ByteSize.mib(8)
        let plan = try CutPlanner.plan(strategy: .user, size: size, memory: .anon, threads: 2)
        let sampled = Job(plan: plan, backend: PopulateBackend(advice: .write), placementSample: 256)
            .run(on: try Region.map(kind: .anon, size: size))
        #expect(sampled.verified, "\(sampled.error ?? "")")
        let sample = try #require(sampled.pageNodes)
        #expect(sample.sampled == 256)
        // Sampled while populated: every page is somewhere.
        #expect(sample.absent == 0)
        #expect(sample.pagesByNode.values.reduce(0, +) == 256)
        let plain = Job(plan: plan, backend: PopulateBackend(advice: .write)).run(on: try Region.map(kind: .anon, size: size))
        #expect(plain.pageNodes == nil)
    }
}
