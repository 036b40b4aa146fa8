#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinEngine
import PinSystem

/// Runs a `SweepSpecification` into a `ResultSet`: every runnable cell once per round, rounds
/// in a seeded shuffled order, warm-up rounds first, each record appended to `runs.jsonl` the
/// moment it is made; with `--reps auto`, then further rounds of the cells whose runs so far
/// are wider than the target, interleaved in the same order. Running it on a set that already
/// holds records resumes it: only the (cell, round) pairs without a record run, and the added
/// rounds are decided from the records, as they were before the interruption.
public final class Sweep {
    /// What the caller hears while the sweep runs.
    public enum Event: Sendable {
        /// Hugepages reserved for the sweep (given back when it ends).
        case reserved(String)
        /// Cells of one group that cannot run here, for one reason.
        case skipped([SweepCell], reason: String)
        case poolStarted(helpers: Int, seconds: Double)
        /// The work is known: repetitions to run now, and how many a previous run finished.
        case started(toRun: Int, alreadyDone: Int)
        /// `--reps auto` gave these cells another round, `round`, for their judgement (the width
        /// of their intervals over every round before it); `toRun` counts it in.
        case roundAdded(round: Int, cells: [(cell: SweepCell, judgement: AdaptiveRounds.Judgement)], toRun: Int)
        case finished(RunRecord, done: Int, toRun: Int)
        /// An interrupt arrived during this repetition; its record was thrown away.
        case discarded(SweepCell, round: Int)
        /// The machine failed a step before this repetition measured anything (no memory, a
        /// placement that did not take): nothing was recorded, and `--resume` runs it again.
        case notRun(SweepCell, round: Int, reason: String)
    }

    /// How a sweep ended.
    public struct Outcome: Sendable, Equatable {
        /// Repetitions recorded by this run, and how many of them failed verification.
        public var recorded = 0
        public var failed = 0
        /// Repetitions the machine could not run (not recorded; a resume retries them).
        public var notRun = 0
        public var skippedCells = 0
        public var runnableCells = 0
        public var interrupted = false
        /// Whether every runnable cell has all its rounds on disk (skipped cells aside).
        public var complete = false

        public init() {}
    }

    public let specification: SweepSpecification
    public let resultSet: ResultSet
    /// One sweep at a time per set, held from here to the sweep's end: two would measure the
    /// same rounds twice, and a refused second sweep must touch nothing (not even re-render).
    private let lock: ResultSetLock

    public init(_ specification: SweepSpecification, resultSet: ResultSet) throws(HarnessError) {
        try specification.validate()
        self.specification = specification
        self.resultSet = resultSet
        lock = try ResultSetLock(resultSet)
    }

    /// The key of one repetition of a cell: `populate/thp/2G/kernel/8#3`.
    static func pairKey(_ cellID: String, round: Int) -> String { "\(cellID)#\(round)" }

    /// Runs what is missing; returns early, with every finished repetition on disk, when
    /// `shouldStop` says so (by default: when `InterruptFlag` is raised, that is on Ctrl-C).
    public func run(
        stopWhen shouldStop: () -> Bool = { InterruptFlag.isRaised }, onEvent: (Event) -> Void = { _ in }
    ) throws(HarnessError) -> Outcome {
        try resultSet.truncateUnfinishedLine()
        var finished = FinishedRounds(try resultSet.readRecords())
        var outcome = Outcome()

        let reservations = try reserveHugepages(for: specification.pendingCells(finished: finished), onEvent: onEvent)
        defer { reservations.forEach { $0.release() } }

        // Cells the machine cannot run are skipped, with the reason, and the sweep goes on.
        let plan = try SweepPlan(specification, finished: finished)
        let experiments = plan.experiments
        let skippedLog = try resultSet.appender(for: ResultSet.skippedFile)
        for skip in plan.skipped {
            for cell in skip.cells {
                outcome.skippedCells += 1
                try append(SkippedCell(cell: cell.id, reason: skip.reason), to: skippedLog)
            }
            onEvent(.skipped(skip.cells, reason: skip.reason))
        }
        let runnable = plan.runnable
        outcome.runnableCells = runnable.count

        var pool: HelperPool?
        let helpers = runnable.compactMap { experiments[$0]?.poolHelpers }.max() ?? 0
        if helpers > 0 {
            let cpus = runnable.first.flatMap { experiments[$0]?.helperCPUs } ?? { _ in nil }
            do { pool = try HelperPool(helpers: helpers, cpus: cpus) } catch { throw .failed("starting the kernel strategy's helpers: \(error)") }
            onEvent(.poolStarted(helpers: helpers, seconds: pool!.startSeconds))
        }
        defer { pool?.shutdown() }

        var toRun = plan.toRun
        onEvent(.started(toRun: toRun, alreadyDone: plan.alreadyDone))
        let runsLog = try resultSet.appender()
        // The added rounds toRun already counts: those the set on disk called for at the start.
        var counted = Set(runnable.flatMap { cell in
            specification.missingRounds(of: cell, finished: finished).filter { $0 >= specification.rounds }.map { Self.pairKey(cell.id, round: $0) }
        })

        for round in 0..<specification.roundLimit {
            let warmup = round < specification.warmups
            let rep = warmup ? round : round - specification.warmups
            var due = specification.order(of: runnable, round: round).filter { !finished.contains($0, round: round) }
            if round >= specification.rounds {
                // --reps auto: the cells whose runs so far call for this round. Once no cell's
                // runs call for it, whether on disk or not, none calls for a later one: done.
                let decided = Dictionary(uniqueKeysWithValues: runnable.map { ($0, specification.rounds(of: $0, finished: finished)) })
                guard decided.values.contains(where: { $0.needed > round }) else { break }
                due = due.filter { decided[$0]!.needed > round }
                if !due.isEmpty {
                    toRun += due.filter { counted.insert(Self.pairKey($0.id, round: round)).inserted }.count
                    onEvent(.roundAdded(round: round, cells: due.compactMap { cell in decided[cell]!.judgement.map { (cell, $0) } },
                                        toRun: toRun))
                }
            }
            for cell in due {
                if shouldStop() {
                    outcome.interrupted = true
                    return outcome
                }
                let experiment = experiments[cell]!
                var record: RunRecord
                do {
                    record = try experiment.measure(cell.strategy, rep: rep, warmup: warmup, pool: pool)
                } catch {
                    // The memory went away between the check and this repetition, or a placement did
                    // not take: no result, so nothing is recorded and a resume runs it again.
                    outcome.notRun += 1
                    onEvent(.notRun(cell, round: round, reason: error.description))
                    continue
                }
                if shouldStop() {
                    // The signal landed inside this repetition: its times are not trustworthy.
                    outcome.interrupted = true
                    onEvent(.discarded(cell, round: round))
                    return outcome
                }
                record.cell = cell.id
                record.round = round
                record.seed = specification.seed
                do {
                    try runsLog.append(encoding: record)
                } catch {
                    throw .failed("cannot append to \(resultSet.path(ResultSet.runsFile)): \(error); stopping, as further results could not be kept")
                }
                finished.add(record)
                outcome.recorded += 1
                if !record.verified { outcome.failed += 1 }
                onEvent(.finished(record, done: outcome.recorded, toRun: toRun))
            }
        }
        outcome.complete = outcome.notRun == 0
        return outcome
    }

    private func append(_ skipped: SkippedCell, to log: JSONLinesAppender) throws(HarnessError) {
        do { try log.append(encoding: skipped) } catch {
            throw .failed("cannot append to \(resultSet.path(ResultSet.skippedFile)): \(error)")
        }
    }

    // MARK: - Hugepages

    /// With `reserveHugepages`, grows each hugetlb pool the pending cells use to hold the
    /// largest of their regions (one region is mapped at a time), and says what the kernel gave.
    private func reserveHugepages(for cells: [SweepCell], onEvent: (Event) -> Void) throws(HarnessError) -> [HugepageReservation] {
        guard specification.reserveHugepages else { return [] }
        let largest = specification.largestHugetlbRegions(in: cells)
        guard !largest.isEmpty else { return [] }
        try SweepPlan.checkCanReserve()
        var reservations: [HugepageReservation] = []
        for (pageSize, bytes) in largest {
            let needed = bytes / pageSize
            guard let pool = HugepagePool.read(pageSize: pageSize) else { continue }
            let missing = needed - pool.available
            guard missing > 0 else {
                onEvent(.reserved("hugetlb \(ByteSize(pageSize)): \(pool.available) pages already available, \(needed) needed"))
                continue
            }
            do {
                let reservation = try HugepageReservation(pageSize: pageSize, additional: missing)
                reservations.append(reservation)
                let short = reservation.granted < missing
                    ? " (the kernel gave \(reservation.granted) of \(missing): memory is fragmented; cells that need more are skipped)" : ""
                onEvent(.reserved("hugetlb \(ByteSize(pageSize)): reserved \(reservation.granted) pages for the sweep\(short); given back at the end"))
            } catch {
                onEvent(.reserved("hugetlb \(ByteSize(pageSize)): could not reserve \(missing) pages: \(error)"))
            }
        }
        return reservations
    }
}
