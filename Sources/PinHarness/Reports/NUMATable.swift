import PinCore
import PinSystem

/// Where memory and threads were, per row: the nodes the workers ran on, the share of sampled
/// pages on the intended node, and runs flagged as misplaced. Printed under the timings when a
/// placement or binding was asked, or when something landed where it should not have.
public struct NUMATable: Sendable {
    public struct Row: Sendable, Equatable, Encodable {
        public var variant: String
        public var runs: Int
        /// Nodes the workers were bound to, as "0" or "0,1" ("-" when unbound).
        public var boundNodes: String
        /// Nodes the workers ran on (`sched_getcpu` at the pin phase's start), over all runs.
        public var ranOnNodes: String
        /// The lowest share of sampled pages on the intended nodes, over the runs.
        public var worstShare: Double?
        public var intendedNodes: String
        public var misplacedRuns: Int
        /// Median over the runs of each of `VMStat.numaBalancingCounters` (nil when unread).
        public var balancingMedians: [String: Double]
    }

    public var rows: [Row]
    /// Facts every run shared: topology, placement and binding as applied.
    public var notes: [(String, String)]
    /// Whether anything was asked beyond the defaults.
    let asked: Bool
    /// Whether NUMA balancing scanned or faulted during the runs.
    let scanned: Bool

    public init(records: [RunRecord]) {
        let measured = records.filter { !$0.warmup && $0.numa != nil }
        var order: [String] = []
        var groups: [String: [NUMARecord]] = [:]
        for record in measured {
            if groups[record.variant.description] == nil { order.append(record.variant.description) }
            groups[record.variant.description, default: []].append(record.numa!)
        }
        func nodes(_ values: [Int]) -> String {
            values.isEmpty ? "-" : Set(values).sorted().map(String.init).joined(separator: ",")
        }
        rows = order.map { variant in
            let group = groups[variant]!
            return Row(
                variant: variant, runs: group.count,
                boundNodes: nodes(group.flatMap { $0.workers.compactMap(\.boundNode) }),
                ranOnNodes: nodes(group.flatMap { $0.workers.compactMap(\.node) }),
                worstShare: group.compactMap(\.shareOnIntended).min(),
                intendedNodes: nodes(group.flatMap(\.intendedNodes)),
                misplacedRuns: group.filter(\.misplaced).count,
                balancingMedians: Dictionary(uniqueKeysWithValues: VMStat.numaBalancingCounters.compactMap { name in
                    Statistics(group.compactMap { $0.vmstat?[name].map(Double.init) }).map { (name, $0.median) }
                }))
        }
        let first = measured.first?.numa
        notes = first.map { [("topology", $0.topology), ("placement", "--node \($0.placement): \($0.placementApplied)"),
                             ("binding", "--bind \($0.bind): \($0.bindApplied)" + ($0.bindReason.map { ", \($0)" } ?? "")),
                             ("numa_balancing", $0.numaBalancing + " (vmstat deltas are system-wide, over each whole job)")] } ?? []
        asked = first.map { $0.placement != "first-touch" || $0.bind != "none" || $0.topology != "machine" } ?? false
        scanned = rows.contains { row in
            ["numa_pte_updates", "numa_hint_faults"].contains { (row.balancingMedians[$0] ?? 0) > 0 }
        }
    }

    /// Worth printing: something was asked, a run was misplaced, or the balancer was at work.
    public var isWorthShowing: Bool { !rows.isEmpty && (asked || scanned || rows.contains { $0.misplacedRuns > 0 }) }

    /// The table, then the facts every run shared; empty without NUMA records.
    func document() -> ReportDocument {
        guard !rows.isEmpty else { return ReportDocument() }
        var table = TextTable(columns: [
            .init("NUMA", .left), .init("bound to node"), .init("ran on node"), .init("intended node"),
            .init("pages there (worst run)"), .init("misplaced runs"),
        ] + VMStat.numaBalancingCounters.map { .init($0, group: "vmstat") })
        for row in rows {
            table.append([
                row.variant, row.boundNodes, row.ranOnNodes, row.intendedNodes,
                row.worstShare.map(formatPercent) ?? "not sampled", "\(row.misplacedRuns) of \(row.runs)",
            ] + VMStat.numaBalancingCounters.map { name in row.balancingMedians[name].map { formatDecimal($0, digits: 0) } ?? "-" })
        }
        var document = ReportDocument([.table(table)])
        if !notes.isEmpty { document += [.blank] + notes.map { .line("\($0.0): \($0.1)") } }
        return document
    }

    public func markdown() -> String { document().markdown() }
}
