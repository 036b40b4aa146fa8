import PinBackends
import PinContract
import PinCore

/// The numbers of a sweep, per cell, ready to render: pin and unpin statistics over verified
/// measured repetitions, throughput, speedup over the group's `single` cell, parallel
/// efficiency, and the flags that tell a reader not to trust a cell blindly.
public struct SweepSummary: Sendable {
    public struct CellSummary: Sendable {
        public var cell: SweepCell
        /// Workers that took part (user slices, kernel `nworks`), from the first record.
        public var workers: Int
        public var runs: Int
        public var verifiedRuns: Int
        public var pin: Statistics?
        public var unpin: Statistics?
        /// The verified measured runs' times, in record order: the samples of the comparison's
        /// rank test.
        public var pinTimes: [Double] = []
        public var unpinTimes: [Double] = []
        /// The first warm-up's pin time, when it verified.
        public var firstWarmupPinSeconds: Double?
        public var pinGiBPerSecond: Double?
        /// The group's single median over this cell's (1 for single itself).
        public var pinSpeedup: Double?
        public var unpinSpeedup: Double?
        /// The first failure seen, for cells with unverified runs.
        public var failure: String?
        /// The kernel's own time of each phase (the module's longest call), over the same
        /// verified runs; nil for backends that do not time themselves in the kernel.
        public var inKernelPin: Statistics? = nil
        public var inKernelUnpin: Statistics? = nil
        /// With `--reps auto`, the rounds the cell took and whether it met the target; nil for
        /// fixed rounds.
        public var rounds: CellRounds? = nil

        /// Speedup over threads: 1.0 is perfect scaling.
        public var pinEfficiency: Double? { pinSpeedup.map { $0 / Double(cell.threads) } }
        public var unpinEfficiency: Double? { unpinSpeedup.map { $0 / Double(cell.threads) } }

        /// The warm-up took more than twice the steady median: the host was faulting memory in
        /// for the first time (VMs, fresh boots), and the cell's first round paid for it.
        public var slowWarmup: Bool {
            guard let first = firstWarmupPinSeconds, let median = pin?.median, median > 0 else { return false }
            return first > SweepSummary.slowWarmupFactor * median
        }
    }

    public struct Group: Sendable {
        public var group: SweepGroup
        public var cells: [CellSummary]
        /// What `--dirty-tracking` measured in the group's runs (empty without it).
        public var dirty = DirtyTrackingTable(records: [])
        /// The `single` cell the speedups are over.
        public var single: CellSummary? { cells.first { $0.cell.strategy == .single } }
        /// Thread counts of the threaded strategies, ascending.
        public var threads: [Int] { Array(Set(cells.filter { $0.cell.strategy != .single }.map(\.cell.threads))).sorted() }
        /// The threaded strategies present, in the usual order.
        public var threadedStrategies: [Strategy] {
            Strategy.allCases.filter { strategy in strategy != .single && cells.contains { $0.cell.strategy == strategy } }
        }

        public func cell(_ strategy: Strategy, threads: Int) -> CellSummary? {
            cells.first { $0.cell.strategy == strategy && $0.cell.threads == (strategy == .single ? 1 : threads) }
        }
    }

    /// Flag thresholds: a 95% interval wider than this share of the median, and a warm-up this
    /// many times slower than the steady median.
    public static let wideIntervalShare = 0.10
    public static let slowWarmupFactor = 2.0

    /// Whether the 95% interval of the median is wider than `wideIntervalShare` of it.
    static func isWide(_ stats: Statistics) -> Bool {
        (stats.relativeIntervalWidth ?? 0) > wideIntervalShare
    }

    public var groups: [Group]
    /// Cells skipped and never run since (a later resume may have run them).
    public var skipped: [SkippedCell]
    /// `--reps auto`'s policy, from the set's specification; nil for fixed rounds.
    public var adaptive: AdaptiveRounds?

    /// Summarises PinBench's own records (C-baseline records are left out), grouped per
    /// backend, memory kind and size. With the set's `specification` (`--reps auto`), each
    /// cell also says how many rounds it took and whether it met the target.
    public init(records: [RunRecord], skipped: [SkippedCell] = [], specification: SweepSpecification? = nil) {
        adaptive = specification?.adaptive
        let finished = specification?.adaptive == nil ? nil : FinishedRounds(records)
        var byCell: [SweepCell: [RunRecord]] = [:]
        for record in records where record.implementation == .pinbench {
            let cell = SweepCell(record: record)
            byCell[cell, default: []].append(record)
        }
        var byGroup: [SweepGroup: [CellSummary]] = [:]
        var recordsByGroup: [SweepGroup: [RunRecord]] = [:]
        for (cell, records) in byCell {
            recordsByGroup[cell.group, default: []] += records
            var summary = Self.summarise(cell, records)
            if let specification, let finished { summary.rounds = specification.rounds(of: cell, finished: finished) }
            byGroup[cell.group, default: []].append(summary)
        }
        var groups: [Group] = byGroup.keys.sorted().map { key in
            Group(group: key, cells: byGroup[key]!.sorted { $0.cell < $1.cell },
                  dirty: DirtyTrackingTable(records: recordsByGroup[key]!.sorted { ($0.cell ?? "", $0.rep) < ($1.cell ?? "", $1.rep) }))
        }
        for index in groups.indices {
            let single = groups[index].single
            for cellIndex in groups[index].cells.indices {
                let cell = groups[index].cells[cellIndex]
                groups[index].cells[cellIndex].pinSpeedup = SummaryTable.ratio(single?.pin?.median, cell.pin?.median)
                groups[index].cells[cellIndex].unpinSpeedup = SummaryTable.ratio(single?.unpin?.median, cell.unpin?.median)
            }
        }
        self.groups = groups
        let ran = Set(byCell.keys.map(\.id))
        var seen: Set<String> = []
        // The latest reason per cell, for cells with no records.
        self.skipped = skipped.reversed().filter { !ran.contains($0.cell) && seen.insert($0.cell).inserted }.reversed()
    }

    static func summarise(_ cell: SweepCell, _ records: [RunRecord]) -> CellSummary {
        let measured = records.filter { !$0.warmup }
        let verified = measured.filter(\.verified)
        let pin = Statistics(verified.map(\.pinSeconds))
        let firstWarmup = records.filter(\.warmup).min { ($0.round ?? $0.rep) < ($1.round ?? $1.rep) }
        return CellSummary(
            cell: cell, workers: records[0].workers, runs: measured.count, verifiedRuns: verified.count, pin: pin,
            unpin: Statistics(verified.map(\.unpinSeconds)),
            pinTimes: verified.map(\.pinSeconds), unpinTimes: verified.map(\.unpinSeconds),
            firstWarmupPinSeconds: firstWarmup.flatMap { $0.verified ? $0.pinSeconds : nil },
            pinGiBPerSecond: pin.flatMap { SummaryTable.ratio(cell.size.gibibytes, $0.median) },
            failure: records.first { !$0.verified }.map { $0.error ?? "\($0.pinnedCheck); \($0.unpinnedCheck)" },
            inKernelPin: Statistics(verified.compactMap { $0.backendMetrics?.inKernel?.pinSeconds }),
            inKernelUnpin: Statistics(verified.compactMap { $0.backendMetrics?.inKernel?.unpinSeconds }))
    }

    /// Every cell, in table order.
    public var cells: [CellSummary] { groups.flatMap(\.cells) }

    /// The cell with this id, if it has records.
    public func cell(id: String) -> CellSummary? { cells.first { $0.cell.id == id } }
}
