/// The NUMA shape that planning and thread binding work from: nodes, their CPUs, memory and
/// distances. Read from the machine (`PinSystem.MachineTopology`) or made up with `--topology`
/// (`simulated(_:totalMemoryBytes:)`), so a single-node machine can plan for two sockets.
public struct NUMATopology: Sendable, Equatable, Codable {
    /// One node. A node can have CPUs and no memory (memoryless) or memory and no CPUs (CXL,
    /// HBM), and node numbers can have gaps.
    public struct Node: Sendable, Equatable, Codable {
        public var id: Int
        /// Ascending CPU numbers; empty for a CPU-less node.
        public var cpus: [Int]
        /// Memory the node holds; 0 for a memoryless node.
        public var memoryBytes: Int
        /// Free memory when the topology was read (the simulated share of it when simulated).
        public var freeBytes: Int

        public init(id: Int, cpus: [Int], memoryBytes: Int, freeBytes: Int) {
            self.id = id
            self.cpus = cpus
            self.memoryBytes = memoryBytes
            self.freeBytes = freeBytes
        }
    }

    /// By ascending id.
    public var nodes: [Node]
    /// `distances[i][j]`: the SLIT distance from `nodes[i]` to `nodes[j]` (10 is local).
    public var distances: [[Int]]
    /// The `--topology` text this was made from, or nil for the machine's own topology.
    public var simulatedFrom: String?

    public init(nodes: [Node], distances: [[Int]], simulatedFrom: String? = nil) {
        self.nodes = nodes.sorted { $0.id < $1.id }
        self.distances = distances
        self.simulatedFrom = simulatedFrom
    }

    /// Whether this is a `--topology` shape rather than the machine's own.
    public var isSimulated: Bool { simulatedFrom != nil }

    /// "machine" or "simulated 2x8".
    public var sourceDescription: String { simulatedFrom.map { "simulated \($0)" } ?? "machine" }

    public var nodeIDs: [Int] { nodes.map(\.id) }

    /// Nodes with at least one CPU, by id: where threads can be bound (padata's `N_CPU`).
    public var nodesWithCPUs: [Node] { nodes.filter { !$0.cpus.isEmpty } }

    /// Nodes with memory, by id: what `interleave` spreads over (`N_MEMORY`).
    public var nodesWithMemory: [Node] { nodes.filter { $0.memoryBytes > 0 } }

    public func node(_ id: Int) -> Node? { nodes.first { $0.id == id } }

    /// The node whose CPU list holds `cpu`, or nil when no node does.
    public func node(ofCPU cpu: Int) -> Int? { nodes.first { $0.cpus.contains(cpu) }?.id }

    /// The distance between two nodes, or nil when either is unknown or the table is short.
    public func distance(from source: Int, to target: Int) -> Int? {
        guard let row = nodes.firstIndex(where: { $0.id == source }),
              let column = nodes.firstIndex(where: { $0.id == target }),
              row < distances.count, column < distances[row].count else { return nil }
        return distances[row][column]
    }

    /// The kernel's distances from a node to itself and to any other node when sysfs gives
    /// none (`LOCAL_DISTANCE`, `REMOTE_DISTANCE`).
    public static let localDistance = 10
    public static let remoteDistance = 20
}
