/// Why a topology, a placement or a thread binding cannot be used; each says what to do instead.
public enum TopologyError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSpecification(String, reason: String)
    case noSuchNode(Int, nodes: [Int], simulated: Bool)
    case nodeWithoutMemory(Int)
    case nodeWithoutCPUs(Int, policy: String)
    case noRemoteNode(home: Int, simulated: Bool)
    case noSingleHome(policy: String)
    case noDeviceNode(policy: String)
    case invalidPlacement(String)
    case invalidBindPolicy(String)

    public var description: String {
        switch self {
        case .invalidSpecification(let spec, let reason):
            return "--topology '\(spec)': \(reason)"
        case .noSuchNode(let node, let nodes, let simulated):
            return "node \(node) does not exist: this \(simulated ? "simulated topology" : "machine") has node"
                + (nodes.count == 1 ? " " : "s ") + nodes.map(String.init).joined(separator: ", ")
                + (simulated ? "" : " (plan for a bigger machine with --topology 2x8)")
        case .nodeWithoutMemory(let node):
            return "node \(node) has no memory (a memoryless node): bind memory to a node that has some, or use --node interleave"
        case .nodeWithoutCPUs(let node, let policy):
            return "--bind \(policy) needs CPUs on or near node \(node), and no node has any: plan with a topology that has CPUs"
        case .noRemoteNode(let home, let simulated):
            return "--bind remote needs a second node with CPUs besides node \(home), and this "
                + (simulated ? "simulated topology" : "machine") + " has none"
                + (simulated ? "" : ": plan one with --topology 2x8, or use --bind local")
        case .noSingleHome(let policy):
            return "--bind \(policy) binds threads relative to the memory's node, and interleaved memory has no "
                + "single node: use --bind roundrobin or none with --node interleave"
        case .noDeviceNode(let policy):
            return "--bind \(policy) binds threads beside the DMA device, and no device with a NUMA node was given: "
                + "use it with --backend vfio --vfio type1:<group> or iommufd:<device>, or --backend kmod --map-device"
        case .invalidPlacement(let text):
            return "--node '\(text)' is not a node number, interleave, local or device"
        case .invalidBindPolicy(let text):
            return "--bind '\(text)' is not one of \(BindPolicy.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
