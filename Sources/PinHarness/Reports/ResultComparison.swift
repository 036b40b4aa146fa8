import PinCore

/// Two result sets side by side (say, before and after a kernel patch): every cell both have,
/// with the ratio new/base of the median pin and unpin times, and a mark where the change is
/// larger than both sets' 95% confidence intervals (the intervals do not overlap).
public struct ResultComparison: Sendable {
    public struct Row: Sendable, Equatable {
        public var cell: SweepCell
        public var base: Side
        public var new: Side
    }

    /// One phase of one cell in one set.
    public struct Side: Sendable, Equatable {
        public var pin: Statistics?
        public var unpin: Statistics?
    }

    /// How a phase changed.
    public enum Verdict: String, Sendable, Equatable, Encodable {
        /// The new interval lies wholly below the base's.
        case faster
        /// Wholly above.
        case slower
        /// The intervals overlap: no difference this data can show.
        case same
        /// A side has too few runs for an interval.
        case unknown
    }

    public var rows: [Row]
    public var onlyInBase: [String]
    public var onlyInNew: [String]

    public init(base: SweepSummary, new: SweepSummary) {
        let baseCells = Dictionary(uniqueKeysWithValues: base.cells.map { ($0.cell, $0) })
        let newCells = Dictionary(uniqueKeysWithValues: new.cells.map { ($0.cell, $0) })
        rows = baseCells.keys.filter { newCells[$0] != nil }.sorted().map { cell in
            Row(cell: cell, base: Side(pin: baseCells[cell]!.pin, unpin: baseCells[cell]!.unpin),
                new: Side(pin: newCells[cell]!.pin, unpin: newCells[cell]!.unpin))
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

    /// Base and new, how to read the ratios, then per group a table with base and new medians
    /// and ratios for pin and unpin, and the cells only one set has.
    func document(baseName: String, newName: String) -> ReportDocument {
        var document = ReportDocument([
            .heading("PinBench comparison", level: 1), .blank, .line("Base: \(baseName)  "), .line("New: \(newName)  "),
            .line("Ratio is new / base median (below 1.00x: new is faster). **faster**/**slower** marks a "
                + "change larger than both sets' 95% CIs (the intervals do not overlap); `?` means a side "
                + "has fewer than 6 verified runs, too few for an interval."),
            .blank,
        ])
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
                // The mark's column has no title: the marks say what they are.
                table = TextTable(columns: [.init("strategy", .left), .init("threads")] + ["pin", "unpin"].flatMap { (phase: String) -> [TextTable.Column] in
                    [.init("base \(phase)", group: phase), .init("new \(phase)", group: phase),
                     .init("\(phase) ratio", group: phase), .init("", .left, group: phase)]
                }, keyColumns: 2)
            }
            var cells = [row.cell.strategy.rawValue, "\(row.cell.threads)"]
            for (base, new) in [(row.base.pin, row.new.pin), (row.base.unpin, row.new.unpin)] {
                cells += [base.map { DurationFormat.seconds($0.median) } ?? "-",
                          new.map { DurationFormat.seconds($0.median) } ?? "-",
                          SummaryTable.ratio(new?.median, base?.median).map(DurationFormat.ratio) ?? "-",
                          Self.mark(Self.verdict(base: base, new: new))]
            }
            table?.append(cells)
        }
        finishTable()
        if rows.isEmpty { document += [.line("The two sets have no cell in common.")] }
        if !onlyInBase.isEmpty { document += [.blank, .line("Only in base: " + onlyInBase.map { "`\($0)`" }.joined(separator: ", "))] }
        if !onlyInNew.isEmpty { document += [.blank, .line("Only in new: " + onlyInNew.map { "`\($0)`" }.joined(separator: ", "))] }
        return document
    }

    static func mark(_ verdict: Verdict) -> String {
        switch verdict {
        case .faster: "**faster**"
        case .slower: "**slower**"
        case .same: ""
        case .unknown: "?"
        }
    }

    /// Markdown: per group a table with base and new medians and ratios for pin and unpin.
    public func markdown(baseName: String, newName: String) -> String {
        document(baseName: baseName, newName: newName).markdown() + "\n"
    }

    /// The comparison in `format`, ending in a newline. CSV is long form, a row per cell both
    /// sets have and phase, plain seconds (as `summary.csv`); JSON the cells with both sides'
    /// statistics, the ratio and the verdict.
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
        ].map { .init($0) })
        for row in rows {
            for (phase, base, new) in [("pin", row.base.pin, row.new.pin), ("unpin", row.base.unpin, row.new.unpin)] {
                table.append([
                    row.cell.backend.rawValue, row.cell.memory.rawValue, "\(row.cell.size.bytes)", row.cell.strategy.rawValue,
                    "\(row.cell.threads)", phase,
                    SweepSummary.number(base?.median), SweepSummary.number(base?.medianInterval?.low),
                    SweepSummary.number(base?.medianInterval?.high),
                    SweepSummary.number(new?.median), SweepSummary.number(new?.medianInterval?.low),
                    SweepSummary.number(new?.medianInterval?.high),
                    SweepSummary.number(SummaryTable.ratio(new?.median, base?.median)), Self.verdict(base: base, new: new).rawValue,
                ])
            }
        }
        return table
    }

    // MARK: - JSON

    struct Document: Encodable {
        var base: String
        var new: String
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

    /// One phase of one cell: both sides, new / base of the medians, and the verdict.
    struct Change: Encodable {
        var base: Statistics?
        var new: Statistics?
        var ratio: Double?
        var verdict: Verdict
    }

    func json(baseName: String, newName: String) -> Document {
        func change(_ base: Statistics?, _ new: Statistics?) -> Change {
            Change(base: base, new: new, ratio: SummaryTable.ratio(new?.median, base?.median),
                   verdict: Self.verdict(base: base, new: new))
        }
        return Document(
            base: baseName, new: newName,
            cells: rows.map { row in
                Cell(id: row.cell.id, backend: row.cell.backend.rawValue, memory: row.cell.memory.rawValue,
                     sizeBytes: row.cell.size.bytes, strategy: row.cell.strategy.rawValue, threads: row.cell.threads,
                     pin: change(row.base.pin, row.new.pin), unpin: change(row.base.unpin, row.new.unpin))
            },
            onlyInBase: onlyInBase, onlyInNew: onlyInNew)
    }
}
