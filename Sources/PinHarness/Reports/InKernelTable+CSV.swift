// MARK: - CSV

extension InKernelTable {
    /// A row per strategy, phase and worker, seconds and counts as plain numbers; nil when no
    /// run has in-kernel times.
    func csvTable() -> TextTable? {
        guard !isEmpty else { return nil }
        var table = TextTable(columns: [
            "strategy", "phase", "worker", "cpu", "node", "start_s", "end_s", "busy_s", "chunks", "pages", "folio_runs",
            "gup_s", "records_s", "map_s", "map_calls",
        ].map { .init($0) })
        let number = SweepSummary.number
        let optional = { (value: Double?) in value.map(number) ?? "" }
        for row in rows {
            table.append([row.variant, row.phase, "\(row.worker)", "\(row.cpu)", "\(row.node)", number(row.startSeconds),
                          number(row.endSeconds), number(row.busySeconds), number(row.chunks), number(row.pages),
                          number(row.folios), optional(row.gupSeconds), optional(row.recordSeconds), optional(row.mapSeconds),
                          optional(row.mapCalls)])
        }
        return table
    }
}
