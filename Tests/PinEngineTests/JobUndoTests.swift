import PinBackends
import PinContract
import PinCore
import PinEngine
import PinSystem
import Testing

@Suite("A failed pin phase releases exactly what it pinned")
struct JobUndoTests {
    @Test("every chunk pinned before the failure is unpinned once, and no other", arguments: Strategy.allCases)
    func recorded(strategy: Strategy) throws {
        let region = try Region.map(kind: .anon, size: .mib(8))
        let pool = try HelperPool(helpers: 3)
        defer { pool.shutdown() }
        let plan = try CutPlanner.plan(strategy: strategy, size: .mib(8), memory: .anon, threads: 4,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .mib(1)))
        let backend = RecordingBackend(failAt: 5 << 20)
        let result = Job(plan: plan, backend: backend, pool: pool).run(on: region)
        #expect(!result.verified)
        let pinned = backend.pinned.withLock { $0 }.map(\.offset).sorted()
        let unpinned = backend.unpinned.withLock { $0 }.map(\.offset).sorted()
        #expect(unpinned == pinned, "\(strategy): unpinned \(unpinned), pinned \(pinned)")
        let undo = try #require(result.undo)
        #expect(undo.chunks == pinned.count && !undo.byFailedCall && undo.error == nil)
        #expect(undo.bytes == backend.pinned.withLock { $0 }.reduce(0) { $0 + $1.length })
        #expect(result.unpinnedCheck.detail.contains("undo"), "\(result.unpinnedCheck)")
        #expect(result.unpinSeconds == 0)
    }

    @Test("a job that did not fail undoes nothing")
    func noUndo() throws {
        let region = try Region.map(kind: .anon, size: .mib(2))
        let plan = try CutPlanner.plan(strategy: .user, size: .mib(2), memory: .anon, threads: 2)
        let result = Job(plan: plan, backend: RecordingBackend()).run(on: region)
        #expect(result.verified && result.undo == nil)
    }

    @Test("a split call that throws released its own work: the job undoes nothing more")
    func splitCall() throws {
        let region = try Region.map(kind: .anon, size: .mib(8))
        let pool = try HelperPool(helpers: 1)
        defer { pool.shutdown() }
        let plan = try CutPlanner.plan(strategy: .kernel, size: .mib(8), memory: .anon, threads: 2,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .mib(1)))
        let backend = SplitRecordingBackend(failAtOffset: 5 << 20)
        let result = Job(plan: plan, backend: backend, pool: pool).run(on: region)
        #expect(!result.verified)
        #expect(result.undo?.byFailedCall == true && result.undo?.chunks == 0)
        #expect(backend.wholeCalls.withLock { $0 } == ["pin"], "no unpin call after a pin call that threw")
    }
}
