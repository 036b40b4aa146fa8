#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinSystem

/// What a sweep would do on this machine now: the repetitions left, the cells it would run and
/// those it would skip, and why. The real sweep and `sweep --dry-run` make it with the same
/// calls, so a dry run says what the run would do: the same checks, skips and counts.
public struct SweepPlan {
    /// Cells with at least one repetition not on disk yet.
    public var pending: [SweepCell]
    public var experiments: [SweepCell: Experiment]
    public var skipped: [(cells: [SweepCell], reason: String)]
    /// Repetitions the runnable cells still need, as decided now, and how many the set already
    /// holds.
    public var toRun: Int
    public var alreadyDone: Int
    /// With `--reps auto`, the most repetitions the runnable cells may still get beyond `toRun`
    /// (each up to the cap); 0 for fixed rounds.
    public var adaptiveAtMost: Int
    /// Per hugetlb page size: the pages the largest region needs, and how many are free now.
    public var hugepages: [(pageSize: Int, needed: Int, available: Int)]

    /// The pending cells that can run here, in specification order.
    public var runnable: [SweepCell] { pending.filter { experiments[$0] != nil } }

    /// `finished`: the repetitions already on disk. With `assumingReservation`, the
    /// hugetlb pages `--reserve-hugepages` would add count as there (a dry run cannot reserve);
    /// the real sweep reserves first and then plans with what the kernel gave.
    public init(_ specification: SweepSpecification, finished: FinishedRounds, assumingReservation: Bool = false) throws(HarnessError) {
        pending = specification.pendingCells(finished: finished)
        hugepages = specification.largestHugetlbRegions(in: pending).map { page, bytes in
            (page, bytes / page, HugepagePool.read(pageSize: page)?.available ?? 0)
        }
        var assumed: [Int: Int] = [:]
        if assumingReservation && specification.reserveHugepages && !hugepages.isEmpty {
            try Self.checkCanReserve()
            for (page, needed, _) in hugepages { assumed[page] = needed }
        }
        (experiments, skipped) = specification.experiments(for: pending, assumedHugepages: assumed)
        alreadyDone = finished.count
        toRun = 0
        adaptiveAtMost = 0
        for cell in pending where experiments[cell] != nil {
            toRun += specification.missingRounds(of: cell, finished: finished).count
            if specification.adaptive != nil {
                adaptiveAtMost += specification.roundLimit - specification.rounds(of: cell, finished: finished).needed
            }
        }
    }

    /// `--reserve-hugepages` writes `nr_hugepages`: only root may.
    static func checkCanReserve() throws(HarnessError) {
        guard geteuid() == 0 else {
            throw .unavailable("--reserve-hugepages needs root (it writes /sys/kernel/mm/hugepages/*/nr_hugepages); run as root or reserve with scripts/reserve-hugepages.sh first")
        }
    }
}
