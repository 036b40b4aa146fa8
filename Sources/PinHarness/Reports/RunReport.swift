/// What `pinbench run` prints at the end: its title and machine, the summary table, then the
/// backend's own figures, the module's in-kernel times and the NUMA table when there are any.
public struct RunReport: Sendable {
    public var title: String
    public var machineLine: String
    public var records: [RunRecord]

    public init(title: String, machineLine: String, records: [RunRecord]) {
        self.title = title
        self.machineLine = machineLine
        self.records = records
    }

    func document() -> ReportDocument {
        // Blank first: on a terminal it sets the report off from the progress lines above.
        var document = ReportDocument([.blank, .line(title), .line("machine: \(machineLine)"), .blank])
        document += SummaryTable(records: records).document()
        let numa = NUMATable(records: records)
        for part in [BackendMetricsTable(records: records).document(), InKernelTable(records: records).document(),
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
