import PinBackends
import PinContract

// MARK: - CSV

extension BackendMetricsTable {
    /// A row per strategy, a column per metric named by the metric and its unit
    /// (`inKernelPinSeconds_s`, `pinnedUnderLock_bytes`), plain numbers; nil when no run
    /// reported metrics.
    func csvTable() -> TextTable? {
        guard !isEmpty else { return nil }
        let catalog = Backends.catalog
        let metrics = columns.map { catalog.metric(named: $0) }
        var table = TextTable(columns: [.init("strategy")] + metrics.map { metric in
            switch metric.unit {
            case .seconds: .init("\(metric.name)_s")
            case .bytes: .init("\(metric.name)_bytes")
            case .count: .init(metric.name)
            }
        })
        for row in rows { table.append([row.variant] + metrics.map { SweepSummary.number(row.medians[$0.name]) }) }
        return table
    }
}
