import PinContract
import PinCore
import PinSystem

/// A dirty tracker over a mapper's mappings: one pass over a mapped region (start, read the
/// bitmap of the whole range, stop; each step timed apart, every bitmap checked untimed).
/// Made once per backend, after the checks that refuse a machine that cannot track.
public protocol DirtyTracker: AnyObject, Sendable {
    /// What tracks, in one line, for the record ("type1 VFIO_IOMMU_DIRTY_PAGES ...").
    var trackerName: String { get }

    /// One pass over `region`, mapped at `iova`. It undoes what it started on any error
    /// (tracking stopped, mappings as they were), and leaves the region mapped for the run's
    /// unpin phase.
    func pass(over region: Region, iova: UInt64) -> DirtyTrackingOutcome
}

extension DirtyTracker {
    /// Runs `body` and adds its seconds as `step`.
    func timed(_ step: DirtyStep, into outcome: inout DirtyTrackingOutcome, _ body: () throws(SystemError) -> Void) throws(SystemError) {
        let start = MonotonicClock.now()
        try body()
        outcome.seconds[step] = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
    }
}
