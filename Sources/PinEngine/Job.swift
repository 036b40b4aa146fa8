import PinContract
import PinCore
import PinSystem

/// One whole pin and unpin of a region by one strategy: start threads (user), time the pin
/// phase, verify (untimed), time the unpin phase, verify again.
public struct Job: Sendable {
    public let plan: CutPlan
    public let backend: any PinBackend
    /// The kernel strategy's persistent helpers; required for `kernel` plans with workers > 1.
    public let pool: HelperPool?
    /// CPUs for worker `i`, or nil to leave it unbound: `user` thread `i`, and for `single` and
    /// `kernel` the caller as worker 0, bound for the job and given its old CPUs back after.
    /// The pool's helpers are bound when the pool is made.
    public let workerCPUs: @Sendable (Int) -> [Int]?
    /// How many pages to ask `move_pages` about after the pin phase (untimed); 0 asks nothing.
    public let placementSample: Int

    public init(plan: CutPlan, backend: any PinBackend, pool: HelperPool? = nil,
                workerCPUs: @escaping @Sendable (Int) -> [Int]? = { _ in nil }, placementSample: Int = 0) {
        self.plan = plan
        self.backend = backend
        self.pool = pool
        self.workerCPUs = workerCPUs
        self.placementSample = placementSample
    }

    /// Runs the job over `region`, which must be the plan's size and kind. The backend's
    /// untimed `prepare` runs first and its `finish` last; for `single` and `kernel` both run
    /// on the bound caller, so what `prepare` first touches (foliosim's memmap) lands on its node.
    public func run(on region: Region) -> JobResult {
        precondition(region.size == plan.size, "region and plan sizes differ")
        // The caller is worker 0 of single and kernel: bind it for this job only.
        var callerCPUs: [Int]?
        if plan.strategy != .user, let cpus = workerCPUs(0) {
            callerCPUs = CPUSet.allowed()
            do throws(SystemError) {
                try CPUSet.bindCurrentThread(to: cpus)
            } catch {
                return notRun(error: "binding the caller: \(error)")
            }
        }
        defer { if let callerCPUs { try? CPUSet.bindCurrentThread(to: callerCPUs) } }
        do throws(SystemError) {
            try backend.prepare(region)
        } catch {
            return notRun(error: "prepare: \(error)")
        }
        defer { backend.finish(region) }
        switch plan.strategy {
        case .single: return runOnCaller(region)
        case .user: return runUser(region)
        case .kernel: return runKernel(region)
        }
    }

    /// The result of a job that failed before its pin phase.
    private func notRun(error: String) -> JobResult {
        var result = JobResult(plan: plan, threadStartSeconds: 0, pinSeconds: 0, unpinSeconds: 0, threads: [],
                               pinnedCheck: .failed("not run"), unpinnedCheck: .failed("not run"), error: error)
        result.notRun = true
        return result
    }

    // MARK: - Phases

    /// Reads the baseline, times the pin phase, verifies, times the unpin phase, verifies.
    /// Both phases always run, so threads waiting at a barrier are always let through. After a
    /// failed pin phase the unpin phase is an undo, not a measurement: each chunk whose pin
    /// succeeded is released by the work that pinned it (a DMA mapping or an io_uring
    /// registration outlives `munmap`), and the region is checked to be clean again.
    private func measure(
        _ region: Region, work: PhaseWork, threadStartSeconds: Double, phase: (PhaseWork.Phase) -> Void
    ) -> JobResult {
        var result = JobResult(
            plan: plan, threadStartSeconds: threadStartSeconds, pinSeconds: 0, unpinSeconds: 0,
            threads: [], pinnedCheck: .failed("not run"), unpinnedCheck: .failed("not run"), error: nil)
        var baseline: ProcStatus?
        do { baseline = try ProcStatus.current() } catch { work.fail(error.description) }
        let pinStart = MonotonicClock.now()
        phase(.pin)
        result.pinSeconds = MonotonicClock.seconds(from: pinStart, to: MonotonicClock.now())
        result.error = work.firstError
        let pinFailed = result.error != nil
        if !pinFailed, placementSample > 0, region.backing == .memory {
            do throws(SystemError) {
                result.pageNodes = try region.samplePageNodes(limit: placementSample)
            } catch {
                result.error = "placement check: \(error)"
            }
        }
        if pinFailed {
            result.pinnedCheck = .failed("pin failed")
        } else if let baseline, result.error == nil {
            result.pinnedCheck = backend.verifyPinned(region, baseline: baseline)
        } else {
            result.pinnedCheck = .failed("placement check failed")
        }

        work.beginUnpin(undo: pinFailed)
        let unpinStart = MonotonicClock.now()
        phase(.unpin)
        let unpinSeconds = MonotonicClock.seconds(from: unpinStart, to: MonotonicClock.now())
        if pinFailed {
            // Not a measurement: the unpin phase only released what the failure left.
            result.undo = work.undo
            if let baseline {
                let clean = backend.verifyUnpinned(region, baseline: baseline)
                result.unpinnedCheck = Verification(
                    passed: false, detail: "undo: \(work.undo.summary); \(clean.passed ? "region clean" : "NOT clean: \(clean.detail)")")
            } else {
                result.unpinnedCheck = .failed("undo: \(work.undo.summary)")
            }
        } else {
            result.unpinSeconds = unpinSeconds
            if result.error == nil { result.error = work.firstError }
            if let baseline, result.error == nil {
                result.unpinnedCheck = backend.verifyUnpinned(region, baseline: baseline)
            } else {
                result.unpinnedCheck = .failed("a phase failed")
            }
        }
        result.threads = Array(work.stats)
        result.backendMetrics = backend.takeRunMetrics()
        return result
    }

    private func runOnCaller(_ region: Region) -> JobResult {
        let work = PhaseWork(region: region, backend: backend, plan: plan, threadSlots: 1)
        return measure(region, work: work, threadStartSeconds: 0) { phase in
            work.run(thread: 0, phase: phase)
        }
    }

    /// QEMU style: threads created for this job, held at a barrier, one static slice each.
    /// The caller only releases and waits, as QEMU's main thread does.
    private func runUser(_ region: Region) -> JobResult {
        let count = plan.workers
        let work = PhaseWork(region: region, backend: backend, plan: plan, threadSlots: count)
        let barrier = StartBarrier(parties: count)
        var threads: [BoundThread] = []
        threads.reserveCapacity(count)
        let spawnStart = MonotonicClock.now()
        for index in 0..<count {
            do {
                threads.append(try BoundThread.spawn(cpus: workerCPUs(index)) {
                    barrier.arriveAndWait()  // ready; wait for the pin phase
                    work.run(thread: index, phase: .pin)
                    barrier.arriveAndWait()  // pin done; wait for the unpin phase
                    work.run(thread: index, phase: .unpin)
                    barrier.arrive()  // unpin done
                })
            } catch {
                // Threads already started wait at the barrier: let them through with no work.
                work.fail("starting \(count) threads failed after \(threads.count): \(error)")
                barrier.open()
                for thread in threads { thread.join() }
                return notRun(error: work.firstError ?? "starting threads failed")
            }
        }
        barrier.waitForArrivals()
        let threadStart = MonotonicClock.seconds(from: spawnStart, to: MonotonicClock.now())
        let result = measure(region, work: work, threadStartSeconds: threadStart) { _ in
            barrier.release()
            barrier.waitForArrivals()
        }
        for thread in threads { thread.join() }
        return result
    }

    /// padata style: the caller and `workers - 1` pooled helpers take chunks from a cursor.
    private func runKernel(_ region: Region) -> JobResult {
        let count = plan.workers
        if let inKernel = backend as? any InKernelSplitBackend { return runInKernel(region, inKernel) }
        guard count <= 1 || (pool?.helperCount ?? 0) >= count - 1 else {
            preconditionFailure("kernel plan needs \(count - 1) helpers, pool has \(pool?.helperCount ?? 0)")
        }
        let work = PhaseWork(region: region, backend: backend, plan: plan, threadSlots: count)
        let dispatch = { (phase: PhaseWork.Phase) in
            if let pool, count > 1 {
                pool.run(participants: count) { worker in work.run(thread: worker, phase: phase) }
            } else {
                work.run(thread: 0, phase: phase)
            }
        }
        guard let split = backend as? any SplitPinBackend, split.splitsCalls else {
            return measure(region, work: work, threadStartSeconds: 0, phase: dispatch)
        }
        // One backend call per phase; inside it the same workers take the same chunks. A pin
        // call that throws has released its own work (SplitPinBackend's contract): no undo call.
        var pinCallReturned = false
        return measure(region, work: work, threadStartSeconds: 0) { phase in
            let runChunks = { (chunkWork: @escaping ChunkWork) in
                work.chunkWork = chunkWork
                dispatch(phase)
                work.chunkWork = nil
            }
            do throws(SystemError) {
                switch phase {
                case .pin:
                    try split.pinSplit(region, workers: count, split: runChunks)
                    pinCallReturned = true
                case .unpin:
                    guard !work.undoing || pinCallReturned else { return work.undoneByFailedCall() }
                    try split.unpinSplit(region, workers: count, split: runChunks)
                }
            } catch {
                work.fail(error.description)
            }
        }
    }

    /// The kernel's own workers: one call per phase on the (bound) caller, and each worker's
    /// record, as the kernel timed it, becomes that worker's thread stats.
    private func runInKernel(_ region: Region, _ backend: any InKernelSplitBackend) -> JobResult {
        let work = PhaseWork(region: region, backend: backend, plan: plan, threadSlots: 1)
        var pinned: [WorkerRecord] = []
        var unpinned: [WorkerRecord] = []
        // A pin call that throws has released its own work (the module unpins what its
        // workers pinned before it fails): after it there is nothing to undo.
        var pinCallReturned = false
        var result = measure(region, work: work, threadStartSeconds: 0) { phase in
            do throws(SystemError) {
                switch phase {
                case .pin:
                    guard work.firstError == nil else { return }
                    pinned = try backend.pinInKernel(region, plan: plan)
                    pinCallReturned = true
                case .unpin:
                    guard !work.undoing || pinCallReturned else { return work.undoneByFailedCall() }
                    unpinned = try backend.unpinInKernel(region, plan: plan)
                    if work.undoing { work.undoneWholeCall() }
                }
            } catch {
                work.fail(error.description)
            }
        }
        result.threads = (0..<max(pinned.count, unpinned.count)).map { index in
            var stats = ThreadStats(index: index)
            if index < pinned.count {
                stats.cpu = pinned[index].cpu
                stats.pinChunks = pinned[index].chunks
                stats.pinBytes = pinned[index].pages * PageSize.base.bytes
                stats.pinBusySeconds = pinned[index].busySeconds
            }
            if index < unpinned.count {
                stats.unpinChunks = unpinned[index].chunks
                stats.unpinBytes = unpinned[index].pages * PageSize.base.bytes
                stats.unpinBusySeconds = unpinned[index].busySeconds
            }
            return stats
        }
        return result
    }
}
