import PinCore

/// The result table of one `pinbench run`: a row per strategy (and C twin), pin and unpin
/// medians, spread, throughput and speedup over `single`, as Markdown for cover letters.
public struct SummaryTable: Sendable {
    public struct Row: Sendable, Equatable {
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

    /// Summarises measured (non-warm-up) records, rows in first-seen order.
    public init(records: [RunRecord]) {
        let measured = records.filter { !$0.warmup }
        var order: [String] = []
        var groups: [String: [RunRecord]] = [:]
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
                variant: variant, workers: first.workers, oversubscribed: first.oversubscribed == true, chunks: first.chunks, cutsInsideFolio: first.cutsInsideFolio,
                runs: group.count, verifiedRuns: group.filter(\.verified).count, pin: pin,
                unpin: verifiedStats(group, \.unpinSeconds),
                threadStart: verifiedStats(group, \.threadStartSeconds), poolStartSeconds: first.poolStartSeconds,
                pinGiBPerSecond: pin.map { Double(first.sizeBytes) / Double(1 << 30) / $0.median },
                failure: group.first { !$0.verified }.map { $0.error ?? "\($0.pinnedCheck); \($0.unpinnedCheck)" })
        }
        for index in rows.indices {
            // Speedup is over the single row of the same implementation (C rows over C single).
            let singleVariant = rows[index].variant.hasPrefix("C ") ? "C single" : Strategy.single.rawValue
            let single = rows.first { $0.variant == singleVariant }
            let twin = rows.first { $0.variant == "C \(rows[index].variant)" }
            rows[index].pinSpeedup = Self.ratio(single?.pin?.median, rows[index].pin?.median)
            rows[index].unpinSpeedup = Self.ratio(single?.unpin?.median, rows[index].unpin?.median)
            rows[index].pinOverC = Self.ratio(rows[index].pin?.median, twin?.pin?.median)
            rows[index].unpinOverC = Self.ratio(rows[index].unpin?.median, twin?.unpin?.median)
        }
        self.rows = rows
    }

    /// `numerator / denominator` when both are known and the denominator is positive.
    static func ratio(_ numerator: Double?, _ denominator: Double?) -> Double? {
        guard let numerator, let denominator, denominator > 0 else { return nil }
        return numerator / denominator
    }

    /// Markdown: one table for pin, one for unpin.
    public func markdown() -> String {
        let hasBaseline = rows.contains { $0.variant.hasPrefix("C ") }
        let dash = "-"
        func stat(_ s: Statistics?, _ path: KeyPath<Statistics, Double>) -> String {
            s.map { DurationFormat.seconds($0[keyPath: path]) } ?? dash
        }
        var header = ["strategy", "workers", "chunks", "cuts in folio", "pin median", "min", "max", "GiB/s", "speedup"]
        if hasBaseline { header.append("vs C") }
        header += ["thread start", "verified"]
        var lines = [Self.line(header), Self.line(header.map { _ in "---" })]
        for row in rows {
            var cells = [
                row.variant, "\(row.workers)" + (row.oversubscribed ? " (oversubscribed)" : ""), "\(row.chunks)", "\(row.cutsInsideFolio)",
                stat(row.pin, \.median), stat(row.pin, \.min), stat(row.pin, \.max),
                row.pinGiBPerSecond.map { formatDecimal($0, digits: 2) } ?? dash,
                row.pinSpeedup.map(DurationFormat.ratio) ?? dash,
            ]
            if hasBaseline { cells.append(row.pinOverC.map(DurationFormat.ratio) ?? dash) }
            let spawned = row.threadStart.map { $0.max > 0 } ?? false
            let start = row.poolStartSeconds.map { "pool \(DurationFormat.seconds($0))" }
                ?? (spawned ? stat(row.threadStart, \.median) : dash)
            cells += [start, "\(row.verifiedRuns)/\(row.runs)"]
            lines.append(Self.line(cells))
        }
        var unpinHeader = ["strategy", "unpin median", "min", "max", "speedup"]
        if hasBaseline { unpinHeader.append("vs C") }
        lines += ["", Self.line(unpinHeader), Self.line(unpinHeader.map { _ in "---" })]
        for row in rows {
            var cells = [row.variant, stat(row.unpin, \.median), stat(row.unpin, \.min), stat(row.unpin, \.max),
                         row.unpinSpeedup.map(DurationFormat.ratio) ?? dash]
            if hasBaseline { cells.append(row.unpinOverC.map(DurationFormat.ratio) ?? dash) }
            lines.append(Self.line(cells))
        }
        let failures = rows.compactMap { row in row.failure.map { "- \(row.variant): \(row.verifiedRuns)/\(row.runs) verified; first failure: \($0)" } }
        if !failures.isEmpty { lines += [""] + failures }
        return lines.joined(separator: "\n")
    }

    static func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
}
