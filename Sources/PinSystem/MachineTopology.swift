import CPinSys
import PinCore

/// This machine's NUMA topology: sysfs node folders (`NodeInfo`) for CPUs, memory, distances and
/// per-node hugepage pools, cross-checked with libnuma, which is asked first whether NUMA is
/// available at all (`numa_available`). One node is a normal answer, not an error.
public struct MachineTopology: Sendable {
    /// What libnuma said, or nil when `numa_available()` was -1 (no NUMA support in the kernel).
    public struct Libnuma: Sendable, Equatable, Codable {
        /// `numa_max_node()`.
        public var maxNode: Int
        /// Nodes in `numa_all_nodes_ptr` up to `maxNode`, ascending.
        public var nodes: [Int]
        /// `numa_distance(a, b)` over `nodes`.
        public var distances: [[Int]]
    }

    /// Every node by ascending id, as sysfs describes it.
    public var nodes: [NodeInfo]
    public var libnuma: Libnuma?

    public init(nodes: [NodeInfo], libnuma: Libnuma?) {
        self.nodes = nodes.sorted { $0.id < $1.id }
        self.libnuma = libnuma
    }

    /// Reads sysfs under `root` (fixtures in tests) without asking libnuma.
    public static func read(root: String) -> MachineTopology {
        MachineTopology(nodes: NodeInfo.readAll(root: root), libnuma: nil)
    }

    /// The machine's topology now: sysfs, plus libnuma's view when NUMA is available.
    public static func current() -> MachineTopology {
        MachineTopology(nodes: NodeInfo.readAll(), libnuma: readLibnuma())
    }

    /// libnuma's node set and distances, or nil when `numa_available()` says not to use it.
    static func readLibnuma() -> Libnuma? {
        guard cpinsys_numa_available() >= 0 else { return nil }
        let maxNode = Int(cpinsys_numa_max_node())
        let nodes = (0...max(maxNode, 0)).filter { cpinsys_numa_node_allowed(Int32($0)) != 0 }
        let distances = nodes.map { from in nodes.map { Int(cpinsys_numa_distance(Int32(from), Int32($0))) } }
        return Libnuma(maxNode: maxNode, nodes: nodes, distances: distances)
    }

    /// The topology planning and binding work from.
    public var topology: NUMATopology {
        let distances = nodes.map { node in
            // A node folder without a distance file gets the kernel's defaults.
            node.distances.count == nodes.count ? node.distances
                : nodes.map { $0.id == node.id ? NUMATopology.localDistance : NUMATopology.remoteDistance }
        }
        return NUMATopology(
            nodes: nodes.map { .init(id: $0.id, cpus: $0.cpus, memoryBytes: $0.memTotalBytes, freeBytes: $0.memFreeBytes) },
            distances: distances)
    }

    /// Where sysfs and libnuma disagree (a cpuset limiting the nodes, a kernel without NUMA):
    /// empty when they agree or libnuma was not asked.
    public var disagreements: [String] {
        guard let libnuma else { return [] }
        var notes: [String] = []
        let sysfsNodes = nodes.map(\.id)
        if libnuma.nodes != sysfsNodes {
            notes.append("libnuma allows nodes \(libnuma.nodes.map(String.init).joined(separator: ",")) "
                         + "but sysfs lists \(sysfsNodes.map(String.init).joined(separator: ",")) (a cpuset may limit this process)")
        } else {
            let sysfsDistances = topology.distances
            if libnuma.distances != sysfsDistances {
                notes.append("libnuma's distances \(libnuma.distances) differ from sysfs \(sysfsDistances)")
            }
        }
        return notes
    }
}
