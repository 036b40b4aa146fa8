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
    public enum Verdict: String, Sendable, Equatable {
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

    /// Markdown: per group a table with base and new medians and ratios for pin and unpin.
    public func markdown(baseName: String, newName: String) -> String {
        var lines = ["# PinBench comparison", "", "Base: \(baseName)  ", "New: \(newName)  ",
                     "Ratio is new / base median (below 1.00x: new is faster). **faster**/**slower** marks a "
                     + "change larger than both sets' 95% CIs (the intervals do not overlap); `?` means a side "
                     + "has fewer than 6 verified runs, too few for an interval.", ""]
        var currentGroup: SweepGroup?
        for row in rows {
            if row.cell.group != currentGroup {
                currentGroup = row.cell.group
                lines += ["", "## \(row.cell.group.backend) · \(row.cell.group.memory) · \(row.cell.group.size)", ""]
                let header = ["strategy", "threads", "base pin", "new pin", "pin ratio", "", "base unpin", "new unpin",
                              "unpin ratio", ""]
                lines += [SummaryTable.line(header), SummaryTable.line(header.map { _ in "---" })]
            }
            var cells = [row.cell.strategy.rawValue, "\(row.cell.threads)"]
            for (base, new) in [(row.base.pin, row.new.pin), (row.base.unpin, row.new.unpin)] {
                let ratio = SummaryTable.ratio(new?.median, base?.median)
                let mark: String
                switch Self.verdict(base: base, new: new) {
                case .faster: mark = "**faster**"
                case .slower: mark = "**slower**"
                case .same: mark = ""
                case .unknown: mark = "?"
                }
                cells += [base.map { DurationFormat.seconds($0.median) } ?? "-",
                          new.map { DurationFormat.seconds($0.median) } ?? "-",
                          ratio.map(DurationFormat.ratio) ?? "-", mark]
            }
            lines.append(SummaryTable.line(cells))
        }
        if rows.isEmpty { lines.append("The two sets have no cell in common.") }
        if !onlyInBase.isEmpty { lines += ["", "Only in base: " + onlyInBase.map { "`\($0)`" }.joined(separator: ", ")] }
        if !onlyInNew.isEmpty { lines += ["", "Only in new: " + onlyInNew.map { "`\($0)`" }.joined(separator: ", ")] }
        return lines.joined(separator: "\n") + "\n"
    }
}
