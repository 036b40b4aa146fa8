/// What `pinbench run` prints at the end: its title and machine, the summary table, then the
/// backend's own figures, the module's in-kernel times and the NUMA table when there are any.
public struct RunReport: Sendable {
    public var title: String
    public var machineLine: String
    public var records: [RunRecord]
    /// `--reps auto`'s policy, when the run had it: a line says each row's repetitions and
    /// whether it met the target.
    public var adaptive: AdaptiveRounds?

    public init(title: String, machineLine: String, records: [RunRecord], adaptive: AdaptiveRounds? = nil) {
        self.title = title
        self.machineLine = machineLine
        self.records = records
        self.adaptive = adaptive
    }

    /// Per row with `--reps auto`: its measured repetitions, judgement and where it ended.
    public struct RoundsRow: Sendable, Equatable, Encodable {
        public var variant: String
        public var repetitions: Int
        public var status: AdaptiveRounds.Status
        public var pinWidth: Double?
        public var unpinWidth: Double?
    }

    /// The rows' repetitions under `--reps auto`, in table order; empty without it.
    public var roundsRows: [RoundsRow] {
        guard let adaptive else { return [] }
        var order: [RunRecord.Variant] = []
        for record in records where !order.contains(record.variant) { order.append(record.variant) }
        return order.map { variant in
            let rows = records.filter { $0.variant == variant }
            let judgement = Experiment.judge(rows)
            let measured = rows.filter { !$0.warmup }.count
            return RoundsRow(variant: variant.description, repetitions: measured,
                             status: adaptive.status(judgement, measuredRounds: measured),
                             pinWidth: judgement.pinWidth, unpinWidth: judgement.unpinWidth)
        }
    }

    /// The line under the tables with `--reps auto`: each row's repetitions and whether its
    /// intervals met the target (a row that did not is said to have missed it, never left out).
    func roundsLine() -> String? {
        guard let adaptive else { return nil }
        func width(_ share: Double?) -> String { share.map(DurationFormat.percentOneDecimal) ?? "no CI" }
        let rows = roundsRows.map { row in
            let widths = "pin \(width(row.pinWidth)), unpin \(width(row.unpinWidth))"
            let outcome = switch row.status {
            case .met: "met (\(widths))"
            case .notMet: "target NOT met (\(widths))"
            case .pending: "stopped before the target (\(widths))"
            case .noVerifiedRun: "no verified run"
            }
            return "\(row.variant) \(row.repetitions) reps, \(outcome)"
        }
        return "--reps auto (95% CIs of the median within \(adaptive.targetText) of it, at most \(adaptive.maxRepetitions) reps): "
            + rows.joined(separator: "; ") + "."
    }

    func document() -> ReportDocument {
        // Blank first: on a terminal it sets the report off from the progress lines above.
        var document = ReportDocument([.blank, .line(title), .line("machine: \(machineLine)"), .blank])
        document += SummaryTable(records: records).document()
        if let line = roundsLine() { document += [.blank, .line(line)] }
        let numa = NUMATable(records: records)
        for part in [BackendMetricsTable(records: records).document(), DirtyTrackingTable(records: records).document(),
                     InKernelTable(records: records).document(),
                     numa.isWorthShowing ? numa.document() : ReportDocument()] where !part.isEmpty {
            document += [.blank]
            document += part
        }
        return document
    }

    /// The report in `format`, without a newline at the end (`print` adds one). CSV is the
    /// tables alone, plain numbers; JSON the summary rows and every record's key figures.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: String(OutputFormat.json(json()).dropLast())
        case .markdown, .text: format.render(document())
        case .csv: String(csv().dropLast())
        }
    }

    /// The tables of `document()`, each a header line and rows of plain numbers (the unit in the
    /// column's name, as `summary.csv`), a blank line between.
    func csv() -> String {
        let numa = NUMATable(records: records)
        let tables: [TextTable?] = [
            SummaryTable(records: records).csvTable(), BackendMetricsTable(records: records).csvTable(),
            InKernelTable(records: records).csvTable(), numa.isWorthShowing ? numa.csvTable() : nil,
        ]
        return tables.compactMap { $0?.csv() }.joined(separator: "\n")
    }
}
