import PinCore
import PinSystem

extension HoldResult {
    /// The table: one row per region touched (pinned first), the time, passes, median ns per page
    /// touched and NUMA balancing's counters over the phase; then `numa_balancing` and the
    /// backend's checks.
    public func markdown() -> String {
        let header = ["region", "seconds", "passes", "ns/page touched (median)", "pages by node (end)"] + VMStat.numaBalancingCounters
        var lines = [SummaryTable.line(header), SummaryTable.line(header.map { _ in "---" })]
        for phase in phases {
            let seconds = formatDecimal(phase.seconds, digits: 2) + (phase.stoppedEarly ? " (interrupted)" : "")
            let cells = [
                phase.label, seconds, formatDecimal(phase.passes, digits: 1),
                phase.medianNanosecondsPerPage.map { formatDecimal($0, digits: 1) } ?? "-",
                phase.pageNodes.map(Self.byNode) ?? "-",
            ] + VMStat.numaBalancingCounters.map { phase.numa[$0].map(String.init) ?? "-" }
            lines.append(SummaryTable.line(cells))
        }
        if phases.isEmpty { lines.append("(no region was touched)") }
        lines += [
            "",
            "numa_balancing \(numaBalancing); the numa_* counters are /proc/vmstat's, so system-wide.",
        ]
        if let placement { lines.append("memory: \(placement); pages by node: a move_pages sample as each phase ended") }
        if let pinSeconds, let pinnedCheck {
            lines.append("pin by \(backendDescription): \(DurationFormat.seconds(pinSeconds)), \(pinnedCheck)")
        }
        if let unpinnedCheck { lines.append("unpin: \(unpinnedCheck)") }
        if let error { lines.append("error: \(error)") }
        return lines.joined(separator: "\n")
    }

    /// "node 2: 1024" or "node 0: 1000, node 1: 24, absent 0".
    static func byNode(_ sample: PageNodeSample) -> String {
        let nodes = sample.pagesByNode.keys.sorted().map { "node \($0): \(sample.pagesByNode[$0]!)" }
        let missing = sample.absent + sample.errors
        return (nodes.isEmpty ? "none present" : nodes.joined(separator: ", ")) + (missing > 0 ? ", \(missing) not present" : "")
    }
}
