import PinContract
import PinCore
import PinSystem

/// One job's measurements: the timed phases, thread start-up apart from them, what every
/// thread did, and whether the region verified after each phase.
public struct JobResult: Sendable {
    public var plan: CutPlan
    /// Seconds to create and start this job's threads (user); 0 when threads already existed.
    public var threadStartSeconds: Double
    public var pinSeconds: Double
    public var unpinSeconds: Double
    public var threads: [ThreadStats]
    public var pinnedCheck: Verification
    public var unpinnedCheck: Verification
    /// The first backend or system error, if any phase failed.
    public var error: String?
    /// Whether the job failed before its pin phase (binding the caller, the backend's prepare,
    /// starting threads): the machine failed a step, nothing was measured, so it is no result.
    public var notRun = false
    /// What the backend reported about this run beside the timings (vfio: map calls, lock time, ...).
    public var backendMetrics: BackendMetrics? = nil
    /// Where a sample of the pages was after the pin phase (`Job.placementSample` > 0).
    public var pageNodes: PageNodeSample? = nil
    /// After a failed pin phase: what was released again (nil when the pin phase did not fail).
    public var undo: JobUndo? = nil

    public init(plan: CutPlan, threadStartSeconds: Double, pinSeconds: Double, unpinSeconds: Double,
                threads: [ThreadStats], pinnedCheck: Verification, unpinnedCheck: Verification, error: String?,
                backendMetrics: BackendMetrics? = nil, pageNodes: PageNodeSample? = nil) {
        self.plan = plan
        self.threadStartSeconds = threadStartSeconds
        self.pinSeconds = pinSeconds
        self.unpinSeconds = unpinSeconds
        self.threads = threads
        self.pinnedCheck = pinnedCheck
        self.unpinnedCheck = unpinnedCheck
        self.error = error
        self.backendMetrics = backendMetrics
        self.pageNodes = pageNodes
    }

    /// A job counts only if both phases ran without error and both checks passed.
    public var verified: Bool { error == nil && pinnedCheck.passed && unpinnedCheck.passed }

    /// Threads that did any pin work.
    public var activeThreads: Int { threads.filter { $0.pinChunks > 0 }.count }
}
