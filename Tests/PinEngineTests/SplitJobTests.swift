import PinBackends
import PinContract
import PinCore
import PinEngine
import PinSystem
import Synchronization
import Testing

/// A split backend that touches nothing: counts whole calls and records the chunk work each
/// worker did inside them.
final class SplitRecordingBackend: SplitPinBackend, @unchecked Sendable {
    let splitsCalls: Bool
    let wholeCalls = Mutex<[String]>([])
    let chunkWork = Mutex<[(phase: String, chunk: Chunk, worker: Int)]>([])
    let perChunkCalls = Mutex<Int>(0)
    let failAtOffset: Int?

    init(splitsCalls: Bool = true, failAtOffset: Int? = nil) {
        self.splitsCalls = splitsCalls
        self.failAtOffset = failAtOffset
    }

    func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) { perChunkCalls.withLock { $0 += 1 } }
    func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) { perChunkCalls.withLock { $0 += 1 } }

    func pinSplit(_ region: Region, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError) {
        try whole("pin", split)
    }

    func unpinSplit(_ region: Region, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError) {
        try whole("unpin", split)
    }

    private func whole(_ phase: String, _ split: (@escaping ChunkWork) -> Void) throws(SystemError) {
        wholeCalls.withLock { $0.append(phase) }
        let failed = Mutex<Bool>(false)
        split { [self] chunk, worker throws(SystemError) in
            if phase == "pin", let failAtOffset, chunk.offset <= failAtOffset, failAtOffset < chunk.end {
                failed.withLock { $0 = true }
                throw SystemError("map chunk (test)", errno: 5)
            }
            chunkWork.withLock { $0.append((phase, chunk, worker)) }
        }
        if failed.withLock({ $0 }) { throw SystemError("map call (test)", errno: 5) }
    }

    func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification { Verification(passed: true, detail: "recorded") }
    func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification { Verification(passed: true, detail: "recorded") }
}

@Suite("The kernel strategy runs a split backend's one call per phase")
struct SplitJobTests {
    @Test("one whole call per phase; inside it the workers take every chunk once", arguments: [1, 2, 4])
    func oneCall(threads: Int) throws {
        let size = ByteSize.mib(8)
        let region = try Region.map(kind: .anon, size: size)
        let pool = try HelperPool(helpers: max(threads - 1, 0))
        let plan = try CutPlanner.plan(strategy: .kernel, size: size, memory: .anon, threads: threads,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .kib(512)))
        let backend = SplitRecordingBackend()
        let result = Job(plan: plan, backend: backend, pool: pool).run(on: region)
        #expect(result.verified, "\(result.error ?? "")")
        #expect(backend.wholeCalls.withLock { $0 } == ["pin", "unpin"])
        #expect(backend.perChunkCalls.withLock { $0 } == 0)
        let work = backend.chunkWork.withLock { $0 }
        for phase in ["pin", "unpin"] {
            let chunks = work.filter { $0.phase == phase }.map(\.chunk).sorted { $0.offset < $1.offset }
            #expect(chunks == plan.chunks, "\(phase)")
        }
        #expect(Set(work.map(\.worker)).isSubset(of: Set(0..<plan.workers)))
        #expect(result.threads.map(\.pinChunks).reduce(0, +) == plan.chunks.count)
    }

    @Test("single and user still call per chunk, and a backend that cannot split is called per chunk")
    func perChunk() throws {
        let region = try Region.map(kind: .anon, size: .mib(4))
        let pool = try HelperPool(helpers: 1)
        for strategy in [Strategy.single, .user] {
            let plan = try CutPlanner.plan(strategy: strategy, size: .mib(4), memory: .anon, threads: 2)
            let backend = SplitRecordingBackend()
            _ = Job(plan: plan, backend: backend, pool: pool).run(on: region)
            #expect(backend.wholeCalls.withLock { $0 }.isEmpty)
            #expect(backend.perChunkCalls.withLock { $0 } == 2 * plan.chunks.count)
        }
        let plan = try CutPlanner.plan(strategy: .kernel, size: .mib(4), memory: .anon, threads: 2,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .mib(1)))
        let unsplit = SplitRecordingBackend(splitsCalls: false)
        _ = Job(plan: plan, backend: unsplit, pool: pool).run(on: region)
        #expect(unsplit.wholeCalls.withLock { $0 }.isEmpty)
        #expect(unsplit.perChunkCalls.withLock { $0 } == 2 * plan.chunks.count)
    }

    @Test("a chunk failing inside the call fails the job with its error")
    func failure() throws {
        let region = try Region.map(kind: .anon, size: .mib(8))
        let pool = try HelperPool(helpers: 1)
        let plan = try CutPlanner.plan(strategy: .kernel, size: .mib(8), memory: .anon, threads: 2,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .mib(1)))
        let result = Job(plan: plan, backend: SplitRecordingBackend(failAtOffset: 5 << 20), pool: pool).run(on: region)
        #expect(!result.verified)
        #expect(result.error?.contains("(test)") == true)
        #expect(!result.pinnedCheck.passed)
    }
}
