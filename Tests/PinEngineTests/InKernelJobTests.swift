import PinBackends
import PinContract
import PinCore
import PinEngine
import PinSystem
import Synchronization
import Testing

/// An in-kernel backend that pins nothing: records each whole call and answers with worker
/// records that split the plan's chunks round-robin, as the module's workers would.
final class InKernelRecordingBackend: InKernelSplitBackend, @unchecked Sendable {
    let calls = Mutex<[(phase: String, workers: Int, onThread: Int)]>([])
    let perChunkCalls = Mutex<Int>(0)
    let failPin: Bool

    init(failPin: Bool = false) { self.failPin = failPin }

    func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) { perChunkCalls.withLock { $0 += 1 } }
    func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) { perChunkCalls.withLock { $0 += 1 } }
    func checkPlan(_ plan: CutPlan) throws(SystemError) {}

    func pinInKernel(_ region: Region, plan: CutPlan) throws(SystemError) -> [WorkerRecord] {
        if failPin { throw SystemError("PINBENCH_KMOD_PIN (test)", errno: 14) }
        return record("pin", plan)
    }

    func unpinInKernel(_ region: Region, plan: CutPlan) throws(SystemError) -> [WorkerRecord] { record("unpin", plan) }

    private func record(_ phase: String, _ plan: CutPlan) -> [WorkerRecord] {
        calls.withLock { $0.append((phase, plan.workers, CPUSet.current())) }
        return (0..<plan.workers).map { worker in
            let mine = plan.chunks.indices.filter { $0 % plan.workers == worker }.map { plan.chunks[$0] }
            let pages = mine.reduce(0) { $0 + $1.length } / PageSize.base.bytes
            return WorkerRecord(cpu: worker, chunks: mine.count, pages: pages, busySeconds: 0.01 + Double(worker) * 0.001 - 1e-6 * Double(worker))
        }
    }

    func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification { Verification(passed: true, detail: "recorded") }
    func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification { Verification(passed: true, detail: "recorded") }
}

@Suite("The kernel strategy hands an in-kernel backend the whole plan, once per phase")
struct InKernelJobTests {
    @Test("one call per phase with the plan's workers and no userspace helpers; the kernel's worker records become the thread stats",
          arguments: [1, 2, 4])
    func oneCall(threads: Int) throws {
        let size = ByteSize.mib(8)
        let region = try Region.map(kind: .anon, size: size)
        let plan = try CutPlanner.plan(strategy: .kernel, size: size, memory: .anon, threads: threads,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .kib(512)))
        let backend = InKernelRecordingBackend()
        // No pool: the kernel's workers are not userspace threads.
        let result = Job(plan: plan, backend: backend, pool: nil).run(on: region)
        #expect(result.verified, "\(result.error ?? "")")
        let calls = backend.calls.withLock { $0 }
        #expect(calls.map(\.phase) == ["pin", "unpin"])
        #expect(calls.allSatisfy { $0.workers == plan.workers })
        #expect(backend.perChunkCalls.withLock { $0 } == 0)
        #expect(result.threads.count == plan.workers)
        #expect(result.threads.map(\.pinChunks).reduce(0, +) == plan.chunks.count)
        #expect(result.threads.map(\.pinBytes).reduce(0, +) == size.bytes)
        #expect(result.threads.map(\.unpinBytes).reduce(0, +) == size.bytes)
        #expect(result.threads.map(\.cpu) == Array(0..<plan.workers))
        #expect(abs(result.threads.last!.pinBusySeconds - (0.01 + Double(plan.workers - 1) * 0.001 - 1e-6 * Double(plan.workers - 1))) < 1e-9)
    }

    @Test("the call runs on the bound caller, and single and user still call per chunk")
    func callerAndPerChunk() throws {
        let region = try Region.map(kind: .anon, size: .mib(4))
        let cpu = CPUSet.allowed().last!
        let plan = try CutPlanner.plan(strategy: .kernel, size: .mib(4), memory: .anon, threads: 2,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .mib(1)))
        let backend = InKernelRecordingBackend()
        _ = Job(plan: plan, backend: backend, workerCPUs: { $0 == 0 ? [cpu] : nil }).run(on: region)
        #expect(backend.calls.withLock { $0 }.allSatisfy { $0.onThread == cpu })
        for strategy in [Strategy.single, .user] {
            let plan = try CutPlanner.plan(strategy: strategy, size: .mib(4), memory: .anon, threads: 2)
            let perChunk = InKernelRecordingBackend()
            _ = Job(plan: plan, backend: perChunk).run(on: region)
            #expect(perChunk.calls.withLock { $0 }.isEmpty)
            #expect(perChunk.perChunkCalls.withLock { $0 } == 2 * plan.chunks.count)
        }
    }

    @Test("a failed in-kernel pin fails the job with the kernel's error")
    func failure() throws {
        let region = try Region.map(kind: .anon, size: .mib(4))
        let plan = try CutPlanner.plan(strategy: .kernel, size: .mib(4), memory: .anon, threads: 2,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .mib(1)))
        let result = Job(plan: plan, backend: InKernelRecordingBackend(failPin: true)).run(on: region)
        #expect(!result.verified)
        #expect(result.error?.contains("PINBENCH_KMOD_PIN (test)") == true)
        #expect(!result.pinnedCheck.passed)
    }
}
