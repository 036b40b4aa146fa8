import PinCore

/// Two result sets side by side (say, before and after a kernel patch): every cell both have,
/// with the ratio new/base of the median pin and unpin times and two verdicts on each: whether
/// the two medians' 95% confidence intervals overlap, and the rank test over every pair of
/// runs (`ShiftEstimate`: the Hodges-Lehmann shift and its 95% interval).
public struct ResultComparison: Sendable {
    public struct Row: Sendable, Equatable {
        public var cell: SweepCell
        public var base: Side
        public var new: Side
        /// The rank test of each phase, new against base; nil when a side has no verified run.
        public var pinShift: ShiftEstimate?
        public var unpinShift: ShiftEstimate?

        init(cell: SweepCell, base: Side, new: Side) {
            self.cell = cell
            self.base = base
            self.new = new
            pinShift = ShiftEstimate(base: base.pinTimes, new: new.pinTimes)
            unpinShift = ShiftEstimate(base: base.unpinTimes, new: new.unpinTimes)
        }
    }

    /// Both phases of one cell in one set: statistics, and the verified runs they are of.
    public struct Side: Sendable, Equatable {
        public var pin: Statistics?
        public var unpin: Statistics?
        public var pinTimes: [Double] = []
        public var unpinTimes: [Double] = []

        init(_ cell: SweepSummary.CellSummary) {
            pin = cell.pin
            unpin = cell.unpin
            pinTimes = cell.pinTimes
            unpinTimes = cell.unpinTimes
        }
    }

    /// How a phase changed, by the medians' intervals (`verdict`) or by the rank test
    /// (`ShiftEstimate.verdict`).
    public enum Verdict: String, Sendable, Equatable, Encodable {
        /// The new interval lies wholly below the base's (the shift's interval below 0).
        case faster
        /// Wholly above.
        case slower
        /// The intervals overlap (the shift's holds 0): no difference this data can show.
        case same
        /// A side has too few runs for an interval.
        case unknown
    }

    public var rows: [Row]
    public var onlyInBase: [String]
    public var onlyInNew: [String]
    /// Each set's `machine.json`, when it reads: the header names each side's kernel (and its
    /// emulation), since comparing two kernels is what a comparison is usually for. Cells line
    /// up by their id, which holds no kernel, so sets of different kernels always match.
    public var baseMachine: MachineRecord?
    public var newMachine: MachineRecord?

    public init(base: SweepSummary, new: SweepSummary, baseMachine: MachineRecord? = nil, newMachine: MachineRecord? = nil) {
        self.baseMachine = baseMachine
        self.newMachine = newMachine
        let baseCells = Dictionary(uniqueKeysWithValues: base.cells.map { ($0.cell, $0) })
        let newCells = Dictionary(uniqueKeysWithValues: new.cells.map { ($0.cell, $0) })
        rows = baseCells.keys.filter { newCells[$0] != nil }.sorted().map { cell in
            Row(cell: cell, base: Side(baseCells[cell]!), new: Side(newCells[cell]!))
        }
        onlyInBase = baseCells.keys.filter { newCells[$0] == nil }.sorted().map(\.id)
        onlyInNew = newCells.keys.filter { baseCells[$0] == nil }.sorted().map(\.id)
    }

    /// Whether the change between two samples is larger than both their intervals.
    public static func verdict(base: Statistics?, new: Statistics?) -> Verdict {
        guard let baseInterval = base?.medianInterval, let newInterval = new?.medianInterval else { return .unknown }
        if newInterval.high < baseInterval.low { return .faster }
        if newInterval.low > baseInterval.high { return .slower }
        return .same
    }

    // MARK: - Tables

    /// Base and new, how to read the ratios and both verdicts, then per group a table with base
    /// and new medians, ratios, the medians' verdict and the rank test for pin and unpin, and
    /// the cells only one set has.
    func document(baseName: String, newName: String) -> ReportDocument {
        var document = ReportDocument([
            .heading("PinBench comparison", level: 1), .blank, .line("Base: \(baseName)  "), .line("New: \(newName)  "),
        ])
        document += kernelLines().map { .line($0 + "  ") }
        document += [
            .line("Ratio is new / base median (below 1.00x: new is faster). Two verdicts follow. **CIs** compares "
                + "the two medians' 95% CIs: **faster**/**slower** when they do not overlap, blank when they do, `?` when "
                + "a side has fewer than 6 verified runs, too few for an interval. **Ranks** is the Mann-Whitney rank "
                + "test over every pair of runs: `shift` is the Hodges-Lehmann estimate of new − base (the median "
                + "of all pairwise differences) and `shift 95% CI` its interval (Moses'); \"no change\" when that "
                + "interval holds 0, else **faster**/**slower** by the shift as a share of the base median; `?` when "
                + "the sides are too small for a 95% interval (3 runs and 3 are). The rank test uses every run, "
                + "not two medians, so it sees changes the CIs cannot; the CIs say where each median lies."),
            .blank,
        ]
        var currentGroup: SweepGroup?
        var table: TextTable?
        func finishTable() {
            if let table { document += [.table(table)] }
        }
        for row in rows {
            if row.cell.group != currentGroup {
                finishTable()
                currentGroup = row.cell.group
                document += [.blank, .heading("\(row.cell.group.backend) · \(row.cell.group.memory) · \(row.cell.group.size)", level: 2), .blank]
                table = TextTable(columns: [.init("strategy", .left), .init("threads")] + ["pin", "unpin"].flatMap { (phase: String) -> [TextTable.Column] in
                    [.init("base \(phase)", group: phase), .init("new \(phase)", group: phase),
                     .init("\(phase) ratio", group: phase), .init("CIs", .left, group: phase),
                     .init("\(phase) shift", group: phase), .init("shift 95% CI", group: phase), .init("ranks", .left, group: phase)]
                }, keyColumns: 2)
            }
            var cells = [row.cell.strategy.rawValue, "\(row.cell.threads)"]
            for (base, new, shift) in [(row.base.pin, row.new.pin, row.pinShift), (row.base.unpin, row.new.unpin, row.unpinShift)] {
                cells += [base.map { DurationFormat.seconds($0.median) } ?? "-",
                          new.map { DurationFormat.seconds($0.median) } ?? "-",
                          SummaryTable.ratio(new?.median, base?.median).map(DurationFormat.ratio) ?? "-",
                          Self.mark(Self.verdict(base: base, new: new)),
                          shift.map { DurationFormat.shift($0.shift) } ?? "-",
                          shift?.interval.map { DurationFormat.shiftInterval($0.low, $0.high) } ?? "-",
                          Self.rankMark(shift, baseMedian: base?.median)]
            }
            table?.append(cells)
        }
        finishTable()
        if rows.isEmpty { document += [.line("The two sets have no cell in common.")] }
        if !onlyInBase.isEmpty { document += [.blank, .line("Only in base: " + onlyInBase.map { "`\($0)`" }.joined(separator: ", "))] }
        if !onlyInNew.isEmpty { document += [.blank, .line("Only in new: " + onlyInNew.map { "`\($0)`" }.joined(separator: ", "))] }
        return document
    }

    /// `Linux 6.18.0`, with the emulation when there is one; nil without a machine record.
    static func kernel(_ machine: MachineRecord?) -> String? {
        machine.map { "Linux \($0.kernelRelease)" + ($0.emulation.map { " (EMULATED: \($0.uppercased()), PinBench lab)" } ?? "") }
    }

    /// The header's lines on the two sides' kernels: the one both ran, or each one's (said,
    /// never refused: a kernel's change is what is being compared), and whether the machines
    /// differ too, which would mix the machine's change into the kernel's.
    func kernelLines() -> [String] {
        let unknown = "unknown (no readable machine.json)"
        let base = Self.kernel(baseMachine), new = Self.kernel(newMachine)
        guard let baseMachine, let newMachine, let base, let new else {
            return ["Kernels: base \(base ?? unknown), new \(new ?? unknown)."]
        }
        var lines: [String]
        if base == new {
            lines = ["Kernel: \(base) on both sides."]
        } else {
            lines = ["Kernels: base \(base), new \(new): different kernels; cells are matched by backend, memory kind, size, "
                + "strategy and threads, whatever the kernel."]
        }
        var differences: [String] = []
        if baseMachine.hostname != newMachine.hostname { differences.append("host \(baseMachine.hostname) and \(newMachine.hostname)") }
        if baseMachine.cpuModel != newMachine.cpuModel { differences.append("CPU \(baseMachine.cpuModel) and \(newMachine.cpuModel)") }
        if !differences.isEmpty {
            lines.append("The machines differ too (\(differences.joined(separator: "; "))): a change may be the machine's, not the kernel's.")
        }
        return lines
    }

    static func mark(_ verdict: Verdict) -> String {
        switch verdict {
        case .faster: "**faster**"
        case .slower: "**slower**"
        case .same: ""
        case .unknown: "?"
        }
    }

    /// The rank test's verdict: "no change", or the change as a share of the base median.
    static func rankMark(_ shift: ShiftEstimate?, baseMedian: Double?) -> String {
        guard let shift else { return "?" }
        let share = SummaryTable.ratio(shift.shift, baseMedian).map { " \(DurationFormat.signedPercent($0))" } ?? ""
        switch shift.verdict {
        case .faster: return "**faster**" + share
        case .slower: return "**slower**" + share
        case .same: return "no change"
        case .unknown: return "?"
        }
    }

    /// The shift as a share of the base median: -0.37 for 37% faster.
    static func shiftShare(_ shift: ShiftEstimate?, _ base: Statistics?) -> Double? {
        SummaryTable.ratio(shift?.shift, base?.median)
    }

    /// Markdown: per group a table with base and new medians and ratios for pin and unpin.
    public func markdown(baseName: String, newName: String) -> String {
        document(baseName: baseName, newName: newName).markdown() + "\n"
    }

    /// The comparison in `format`, ending in a newline. CSV is long form, a row per cell both
    /// sets have and phase, plain seconds (as `summary.csv`), each side's kernel on every row;
    /// JSON each side's kernel and the cells with both sides' statistics, the ratio, the
    /// medians' verdict and the rank test with its verdict.
    public func render(_ format: OutputFormat, baseName: String, newName: String) -> String {
        switch format {
        case .markdown: markdown(baseName: baseName, newName: newName)
        case .text: document(baseName: baseName, newName: newName).text() + "\n"
        case .csv: csvTable().csv()
        case .json: OutputFormat.json(json(baseName: baseName, newName: newName))
        }
    }

    // MARK: - CSV

    func csvTable() -> TextTable {
        var table = TextTable(columns: [
            "backend", "memory", "size_bytes", "strategy", "threads", "phase", "base_median_s", "base_ci95_low_s",
            "base_ci95_high_s", "new_median_s", "new_ci95_low_s", "new_ci95_high_s", "ratio", "verdict",
            "shift_s", "shift_ci95_low_s", "shift_ci95_high_s", "shift_share", "rank_u", "rank_p", "rank_method", "rank_verdict",
            "base_kernel", "new_kernel",
        ].map { .init($0) })
        for row in rows {
            for (phase, base, new, shift) in [("pin", row.base.pin, row.new.pin, row.pinShift),
                                              ("unpin", row.base.unpin, row.new.unpin, row.unpinShift)] {
                table.append([
                    row.cell.backend.rawValue, row.cell.memory.rawValue, "\(row.cell.size.bytes)", row.cell.strategy.rawValue,
                    "\(row.cell.threads)", phase,
                    SweepSummary.number(base?.median), SweepSummary.number(base?.medianInterval?.low),
                    SweepSummary.number(base?.medianInterval?.high),
                    SweepSummary.number(new?.median), SweepSummary.number(new?.medianInterval?.low),
                    SweepSummary.number(new?.medianInterval?.high),
                    SweepSummary.number(SummaryTable.ratio(new?.median, base?.median)), Self.verdict(base: base, new: new).rawValue,
                    SweepSummary.number(shift?.shift), SweepSummary.number(shift?.interval?.low),
                    SweepSummary.number(shift?.interval?.high), SweepSummary.number(Self.shiftShare(shift, base)),
                    SweepSummary.number(shift?.u), SweepSummary.number(shift?.pValue), shift?.method.rawValue ?? "",
                    (shift?.verdict ?? .unknown).rawValue, baseMachine?.kernelRelease ?? "", newMachine?.kernelRelease ?? "",
                ])
            }
        }
        return table
    }

    // MARK: - JSON

    struct Document: Encodable {
        var base: String
        var new: String
        /// `uname -r` of each side, and its emulation (`tcg` in the lab), from `machine.json`.
        var baseKernel: String?
        var newKernel: String?
        var baseEmulation: String?
        var newEmulation: String?
        var cells: [Cell]
        var onlyInBase: [String]
        var onlyInNew: [String]
    }

    struct Cell: Encodable {
        var id: String
        var backend: String
        var memory: String
        var sizeBytes: Int
        var strategy: String
        var threads: Int
        var pin: Change
        var unpin: Change
    }

    /// One phase of one cell: both sides, new / base of the medians, the medians' verdict, and
    /// the rank test with its shift as a share of the base median and its verdict.
    struct Change: Encodable {
        var base: Statistics?
        var new: Statistics?
        var ratio: Double?
        var verdict: Verdict
        var rankTest: ShiftEstimate?
        var shiftShare: Double?
        var rankVerdict: Verdict
    }

    func json(baseName: String, newName: String) -> Document {
        func change(_ base: Statistics?, _ new: Statistics?, _ shift: ShiftEstimate?) -> Change {
            Change(base: base, new: new, ratio: SummaryTable.ratio(new?.median, base?.median),
                   verdict: Self.verdict(base: base, new: new), rankTest: shift, shiftShare: Self.shiftShare(shift, base),
                   rankVerdict: shift?.verdict ?? .unknown)
        }
        return Document(
            base: baseName, new: newName, baseKernel: baseMachine?.kernelRelease, newKernel: newMachine?.kernelRelease,
            baseEmulation: baseMachine?.emulation, newEmulation: newMachine?.emulation,
            cells: rows.map { row in
                Cell(id: row.cell.id, backend: row.cell.backend.rawValue, memory: row.cell.memory.rawValue,
                     sizeBytes: row.cell.size.bytes, strategy: row.cell.strategy.rawValue, threads: row.cell.threads,
                     pin: change(row.base.pin, row.new.pin, row.pinShift),
                     unpin: change(row.base.unpin, row.new.unpin, row.unpinShift))
            },
            onlyInBase: onlyInBase, onlyInNew: onlyInNew)
    }
}
