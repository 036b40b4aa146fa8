import PinSystem

// MARK: - CSV

extension NUMATable {
    /// A row per strategy: node lists as `0;1`, the worst run's share on the intended node as a
    /// fraction (0 to 1), misplaced and total runs apart, the vmstat medians; nil without NUMA
    /// records.
    func csvTable() -> TextTable? {
        guard !rows.isEmpty else { return nil }
        var table = TextTable(columns: [
            "strategy", "bound_nodes", "ran_on_nodes", "intended_nodes", "share_on_intended_worst", "misplaced_runs", "runs",
        ].map { .init($0) } + VMStat.numaBalancingCounters.map { .init($0) })
        func list(_ nodes: String) -> String { nodes == "-" ? "" : nodes.replacingOccurrences(of: ",", with: ";") }
        for row in rows {
            table.append([
                row.variant, list(row.boundNodes), list(row.ranOnNodes), list(row.intendedNodes),
                SweepSummary.number(row.worstShare), "\(row.misplacedRuns)", "\(row.runs)",
            ] + VMStat.numaBalancingCounters.map { SweepSummary.number(row.balancingMedians[$0]) })
        }
        return table
    }
}
