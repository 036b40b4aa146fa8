// MARK: - JSON

extension RunReport {
    /// `run --format json`: the summary rows, the other tables' rows when they have any, and
    /// per repetition the figures a script would plot (the whole record is `--json`'s).
    struct Document: Encodable {
        var title: String
        var machine: String
        var rows: [SummaryTable.Row]
        var backendMetrics: [BackendMetricsTable.Row]?
        var backendNotes: [String: String]?
        var inKernel: [InKernelTable.Row]?
        var numa: [NUMATable.Row]?
        /// With `--reps auto`: the target, the cap, and each row's repetitions and outcome.
        var adaptive: AdaptiveRounds?
        var rounds: [RoundsRow]?
        var records: [Record]
    }

    struct Record: Encodable {
        var variant: String
        var rep: Int
        var warmup: Bool
        var verified: Bool
        var workers: Int
        var chunks: Int
        var sizeBytes: Int
        var pinSeconds: Double
        var unpinSeconds: Double
        var pinGiBPerSecond: Double
        var threadStartSeconds: Double
        var poolStartSeconds: Double?
        var error: String?

        init(_ record: RunRecord) {
            variant = record.variant.description
            rep = record.rep
            warmup = record.warmup
            verified = record.verified
            workers = record.workers
            chunks = record.chunks
            sizeBytes = record.sizeBytes
            pinSeconds = record.pinSeconds
            unpinSeconds = record.unpinSeconds
            pinGiBPerSecond = record.pinGiBPerSecond
            threadStartSeconds = record.threadStartSeconds
            poolStartSeconds = record.poolStartSeconds
            error = record.verified ? nil : record.error ?? "\(record.pinnedCheck); \(record.unpinnedCheck)"
        }
    }

    func json() -> Document {
        let metrics = BackendMetricsTable(records: records)
        let inKernel = InKernelTable(records: records)
        let numa = NUMATable(records: records)
        return Document(
            title: title, machine: machineLine, rows: SummaryTable(records: records).rows,
            backendMetrics: metrics.isEmpty ? nil : metrics.rows, backendNotes: metrics.isEmpty || metrics.notes.isEmpty ? nil : metrics.notes,
            inKernel: inKernel.isEmpty ? nil : inKernel.rows, numa: numa.isWorthShowing ? numa.rows : nil,
            adaptive: adaptive, rounds: adaptive == nil ? nil : roundsRows, records: records.map(Record.init))
    }
}
