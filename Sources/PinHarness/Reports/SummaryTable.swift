import PinCore

/// The result table of one `pinbench run`: a row per strategy (and C twin), pin and unpin
/// medians, spread, throughput and speedup over `single`, in any `OutputFormat`.
public struct SummaryTable: Sendable {
    public struct Row: Sendable, Equatable, Encodable {
        public var variant: String
        public var workers: Int
        /// More workers than CPUs (`RunRecord.oversubscribed`).
        public var oversubscribed = false
        public var chunks: Int
        public var cutsInsideFolio: Int
        public var runs: Int
        public var verifiedRuns: Int
        public var pin: Statistics?
        public var unpin: Statistics?
        public var threadStart: Statistics?
        public var poolStartSeconds: Double?
        /// Pin GiB/s at the median.
        public var pinGiBPerSecond: Double?
        /// `single`'s median pin time over this row's (nil without a verified single).
        public var pinSpeedup: Double?
        public var unpinSpeedup: Double?
        /// This row's median over its C twin's (PinBench rows with `--baseline`).
        public var pinOverC: Double?
        public var unpinOverC: Double?
        /// The first failure seen, for rows with unverified runs.
        public var failure: String?
    }

    public var rows: [Row]
    /// Whether any row is a C twin's (`--baseline`).
    let hasBaseline: Bool

    /// Summarises measured (non-warm-up) records, rows in first-seen order.
    public init(records: [RunRecord]) {
        let measured = records.filter { !$0.warmup }
        var order: [RunRecord.Variant] = []
        var groups: [RunRecord.Variant: [RunRecord]] = [:]
        for record in measured {
            if groups[record.variant] == nil { order.append(record.variant) }
            groups[record.variant, default: []].append(record)
        }
        func verifiedStats(_ group: [RunRecord], _ value: (RunRecord) -> Double) -> Statistics? {
            Statistics(group.filter(\.verified).map(value))
        }
        var rows: [Row] = order.map { variant in
            let group = groups[variant]!
            let first = group[0]
            let pin = verifiedStats(group, \.pinSeconds)
            return Row(
                variant: variant.description, workers: first.workers, oversubscribed: first.oversubscribed == true, chunks: first.chunks, cutsInsideFolio: first.cutsInsideFolio,
                runs: group.count, verifiedRuns: group.filter(\.verified).count, pin: pin,
                unpin: verifiedStats(group, \.unpinSeconds),
                threadStart: verifiedStats(group, \.threadStartSeconds), poolStartSeconds: first.poolStartSeconds,
                pinGiBPerSecond: pin.flatMap { Self.ratio(Double(first.sizeBytes) / Double(1 << 30), $0.median) },
                failure: group.first { !$0.verified }.map { $0.error ?? "\($0.pinnedCheck); \($0.unpinnedCheck)" })
        }
        for (index, variant) in order.enumerated() {
            // Speedup is over the single row of the same implementation (C rows over C single).
            let single = order.firstIndex(of: RunRecord.Variant(.single, variant.implementation)).map { rows[$0] }
            let twin = variant.implementation == .pinbench ? order.firstIndex(of: variant.twin).map { rows[$0] } : nil
            rows[index].pinSpeedup = Self.ratio(single?.pin?.median, rows[index].pin?.median)
            rows[index].unpinSpeedup = Self.ratio(single?.unpin?.median, rows[index].unpin?.median)
            rows[index].pinOverC = Self.ratio(rows[index].pin?.median, twin?.pin?.median)
            rows[index].unpinOverC = Self.ratio(rows[index].unpin?.median, twin?.unpin?.median)
        }
        self.rows = rows
        hasBaseline = order.contains { $0.implementation == .cBaseline }
    }

    /// `numerator / denominator` when both are known, the denominator is positive and the
    /// quotient finite (a time of 5e-324 s must not make an infinite speedup or GiB/s).
    static func ratio(_ numerator: Double?, _ denominator: Double?) -> Double? {
        guard let numerator, let denominator, denominator > 0 else { return nil }
        let quotient = numerator / denominator
        return quotient.isFinite ? quotient : nil
    }

    // MARK: - Tables

    static let dash = "-"

    static func stat(_ statistics: Statistics?, _ path: KeyPath<Statistics, Double>) -> String {
        statistics.map { DurationFormat.seconds($0[keyPath: path]) } ?? dash
    }

    /// Per row what ran, the pin medians, spread, throughput and speedups, the thread start.
    func pinTable() -> TextTable {
        var columns: [TextTable.Column] = [
            .init("strategy", .left), .init("workers"), .init("chunks"), .init("cuts in folio"),
            .init("pin median", group: "pin"), .init("min", group: "pin"), .init("max", group: "pin"),
            .init("GiB/s"), .init("speedup"),
        ]
        if hasBaseline { columns.append(.init("vs C")) }
        columns += [.init("thread start"), .init("verified")]
        var table = TextTable(columns: columns)
        for row in rows {
            var cells = [
                row.variant, "\(row.workers)" + (row.oversubscribed ? " (oversubscribed)" : ""), "\(row.chunks)", "\(row.cutsInsideFolio)",
                Self.stat(row.pin, \.median), Self.stat(row.pin, \.min), Self.stat(row.pin, \.max),
                row.pinGiBPerSecond.map { formatDecimal($0, digits: 2) } ?? Self.dash,
                row.pinSpeedup.map(DurationFormat.ratio) ?? Self.dash,
            ]
            if hasBaseline { cells.append(row.pinOverC.map(DurationFormat.ratio) ?? Self.dash) }
            let spawned = row.threadStart.map { $0.max > 0 } ?? false
            let start = row.poolStartSeconds.map { "pool \(DurationFormat.seconds($0))" }
                ?? (spawned ? Self.stat(row.threadStart, \.median) : Self.dash)
            cells += [start, "\(row.verifiedRuns)/\(row.runs)"]
            table.append(cells)
        }
        return table
    }

    func unpinTable() -> TextTable {
        var columns: [TextTable.Column] = [
            .init("strategy", .left), .init("unpin median", group: "unpin"), .init("min", group: "unpin"),
            .init("max", group: "unpin"), .init("speedup"),
        ]
        if hasBaseline { columns.append(.init("vs C")) }
        var table = TextTable(columns: columns)
        for row in rows {
            var cells = [row.variant, Self.stat(row.unpin, \.median), Self.stat(row.unpin, \.min), Self.stat(row.unpin, \.max),
                         row.unpinSpeedup.map(DurationFormat.ratio) ?? Self.dash]
            if hasBaseline { cells.append(row.unpinOverC.map(DurationFormat.ratio) ?? Self.dash) }
            table.append(cells)
        }
        return table
    }

    /// The pin table, the unpin table, then a line per row with failed runs.
    func document() -> ReportDocument {
        var document = ReportDocument([.table(pinTable()), .blank, .table(unpinTable())])
        let failures = rows.compactMap { row in row.failure.map { "\(row.variant): \(row.verifiedRuns)/\(row.runs) verified; first failure: \($0)" } }
        if !failures.isEmpty { document += [.blank] + failures.map(ReportDocument.Block.item) }
        return document
    }

    /// Markdown: one table for pin, one for unpin.
    public func markdown() -> String { document().markdown() }

    /// The tables in `format`; JSON is the rows (`RunReport` adds the records).
    public func render(_ format: OutputFormat) -> String {
        format == .json ? OutputFormat.json(rows) : format.render(document())
    }

    static func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
}
