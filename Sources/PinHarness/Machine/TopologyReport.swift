import PinCore
import PinSystem

/// What `pinbench topology` prints: nodes, their CPUs, memory and hugepage pools, distances,
/// libnuma's view, and the settings that move pages behind a benchmark's back.
public struct TopologyReport: Sendable, Codable, Equatable {
    /// "machine" or "simulated 2x8".
    public var source: String
    /// Nodes as sysfs describes them (for a simulated topology: its nodes, with no pools).
    public var nodes: [MachineRecord.NodeRecord]
    /// libnuma's answer: nil when `numa_available()` was -1 or the topology is simulated.
    public var libnuma: MachineTopology.Libnuma?
    /// Whether `numa_available()` said NUMA can be used (false also means: one node, all memory).
    public var libnumaAvailable: Bool
    /// Where sysfs and libnuma disagree.
    public var disagreements: [String]
    /// `/proc/sys/kernel/numa_balancing` or `unavailable`.
    public var numaBalancing: String
    /// Every huge page size with the hugetlbfs libhugetlbfs found for it at start (machine-wide).
    public var hugetlbfs: [HugetlbfsMount] = HugetlbfsMount.discover()

    /// The machine's topology now; `memoryTotalBytes` is `/proc/meminfo`'s MemTotal, to compare.
    public init(machine: MachineTopology, numaBalancing: String, memoryTotalBytes: Int?) {
        source = "machine"
        nodes = machine.nodes.map(MachineRecord.NodeRecord.init)
        libnuma = machine.libnuma
        libnumaAvailable = machine.libnuma != nil
        disagreements = machine.disagreements
        let nodeTotal = nodes.reduce(0) { $0 + $1.memTotalBytes }
        if let memoryTotalBytes, memoryTotalBytes > 0, abs(nodeTotal - memoryTotalBytes) * 20 > memoryTotalBytes {
            disagreements.append(
                "the nodes' MemTotal sums to \(ByteSize(nodeTotal).humanReadable) but /proc/meminfo says "
                    + "\(ByteSize(memoryTotalBytes).humanReadable): this kernel adds memory to a node as it brings it online "
                    + "(hot-add, deferred struct page init), so a node may hold more than it says now")
        }
        self.numaBalancing = numaBalancing
    }

    /// A `--topology` shape, with the machine's settings beside it.
    public init(simulated topology: NUMATopology, numaBalancing: String) {
        source = topology.sourceDescription
        nodes = topology.nodes.enumerated().map { index, node in
            MachineRecord.NodeRecord(NodeInfo(
                id: node.id, cpuList: CPUList.format(node.cpus), cpus: node.cpus, memTotalBytes: node.memoryBytes,
                memFreeBytes: node.freeBytes, distances: topology.distances[index], hugepagePools: []))
        }
        libnuma = nil
        libnumaAvailable = false
        disagreements = []
        self.numaBalancing = numaBalancing
    }

    /// Every hugetlb page size any node has a pool of, ascending.
    var poolSizes: [Int] { Set(nodes.flatMap { $0.hugepagePools.map(\.pageSizeBytes) }).sorted() }

    /// Tables for a terminal or a cover letter.
    public func markdown() -> String {
        var lines: [String] = []
        let count = nodes.count
        lines.append("topology: \(source), \(count) node\(count == 1 ? "" : "s")")
        if source == "machine" {
            lines.append("libnuma: " + (libnuma.map { "NUMA available, max node \($0.maxNode), nodes \($0.nodes.map(String.init).joined(separator: ","))" }
                ?? "numa_available() = -1: the kernel has no NUMA support; all memory is one node"))
        }
        for note in disagreements { lines.append("note: \(note)") }
        lines.append("")
        let pools = poolSizes
        lines.append(SummaryTable.line(["node", "CPUs", "memory", "free"] + pools.map { "hugepages \(ByteSize($0)) (free/total)" }))
        lines.append(SummaryTable.line(Array(repeating: "---", count: 4 + pools.count)))
        for node in nodes {
            let cpus = node.cpus.isEmpty ? "none" : "\(node.cpuList) (\(node.cpus.count))"
            let memory = node.memTotalBytes == 0 ? "none" : ByteSize(node.memTotalBytes).humanReadable
            let poolCells = pools.map { size in
                node.hugepagePools.first { $0.pageSizeBytes == size }.map { "\($0.free)/\($0.total)" } ?? "-"
            }
            lines.append(SummaryTable.line(["\(node.id)", cpus, memory, ByteSize(node.memFreeBytes).humanReadable] + poolCells))
        }
        lines.append("")
        lines.append(SummaryTable.line(["distance"] + nodes.map { "to \($0.id)" }))
        lines.append(SummaryTable.line(Array(repeating: "---", count: count + 1)))
        for node in nodes {
            lines.append(SummaryTable.line(["from \(node.id)"] + (0..<count).map { $0 < node.distances.count ? "\(node.distances[$0])" : "?" }))
        }
        lines.append("")
        if !hugetlbfs.isEmpty {
            lines.append("hugetlbfs (libhugetlbfs): " + hugetlbfs.map(\.description).joined(separator: ", "))
            for mount in hugetlbfs where mount.path == nil {
                lines.append("  to map hugetlbfs-\(ByteSize(mount.pageSize).description.lowercased()): \(HugetlbfsMount.mountCommand(pageSize: mount.pageSize))")
            }
        }
        lines.append("numa_balancing: \(numaBalancing)"
            + (numaBalancing == "0" || numaBalancing == "unavailable" ? ""
                : " (scans and faults pages to migrate them, pinned ones included: sysctl -w kernel.numa_balancing=0 for stable numbers)"))
        return lines.joined(separator: "\n")
    }
}
