import PinCore
import PinSystem

/// A backend whose whole-region call splits itself inside the kernel: the engine's `kernel`
/// strategy hands it the plan once per phase on the caller's thread, and the kernel's own
/// workers (PinBench's module: the caller plus `plan.workers - 1` kworkers) take the plan's
/// chunks. No userspace helper runs; what each worker did comes back from the kernel, as the
/// engine's own `WorkerRecord`s (the engine never sees a backend's uAPI).
public protocol InKernelSplitBackend: PinBackend {
    /// Refuses, before anything runs, a plan the kernel side cannot carry out exactly as planned
    /// (too many workers, chunks it would cut elsewhere).
    func checkPlan(_ plan: CutPlan) throws(SystemError)

    /// Pins the whole region with `plan` in one call; what each of its workers did. A call that
    /// throws must first release whatever its workers pinned: the engine then undoes nothing.
    func pinInKernel(_ region: Region, plan: CutPlan) throws(SystemError) -> [WorkerRecord]

    /// Undoes `pinInKernel` in one call with the same plan shape.
    func unpinInKernel(_ region: Region, plan: CutPlan) throws(SystemError) -> [WorkerRecord]
}
