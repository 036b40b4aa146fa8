// MARK: - CSV

extension SummaryTable {
    /// A row per strategy, every figure a plain number (seconds, GiB/s, ratios) with its unit
    /// in the column's name, empty where a value does not exist: for spreadsheets and scripts,
    /// as `summary.csv` is.
    func csvTable() -> TextTable {
        var table = TextTable(columns: [
            "strategy", "workers", "oversubscribed", "chunks", "cuts_in_folio", "runs", "verified",
            "pin_median_s", "pin_min_s", "pin_max_s", "gib_per_s", "pin_speedup", "pin_vs_c",
            "unpin_median_s", "unpin_min_s", "unpin_max_s", "unpin_speedup", "unpin_vs_c",
            "thread_start_median_s", "pool_start_s",
        ].map { .init($0) })
        let number = SweepSummary.number
        for row in rows {
            table.append([
                row.variant, "\(row.workers)", "\(row.oversubscribed)", "\(row.chunks)", "\(row.cutsInsideFolio)",
                "\(row.runs)", "\(row.verifiedRuns)",
                number(row.pin?.median), number(row.pin?.min), number(row.pin?.max), number(row.pinGiBPerSecond),
                number(row.pinSpeedup), number(row.pinOverC),
                number(row.unpin?.median), number(row.unpin?.min), number(row.unpin?.max),
                number(row.unpinSpeedup), number(row.unpinOverC),
                number(row.threadStart?.median), number(row.poolStartSeconds),
            ])
        }
        return table
    }
}
