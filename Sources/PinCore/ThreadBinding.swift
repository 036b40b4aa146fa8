/// Where each worker of a job runs under a `BindPolicy`: worker `i` takes `rotation[i % count]`,
/// so the answer depends only on the worker's index and a pool shared by jobs of different
/// sizes binds its helpers once. Worker 0 is the caller for `single` and `kernel`, slice 0 for `user`.
public struct ThreadBinding: Sendable, Equatable, Codable {
    /// One node's CPUs in the rotation.
    public struct NodeCPUs: Sendable, Equatable, Codable {
        public var node: Int
        public var cpus: [Int]
    }

    public var policy: BindPolicy
    /// The memory's node that `local` and `remote` are relative to; nil for `none`, `roundrobin`.
    public var homeNode: Int?
    /// Empty for `none`.
    public var rotation: [NodeCPUs]
    /// True when the topology is simulated: the assignment is reported, never applied.
    public var simulated: Bool

    /// No binding at all.
    public static let unbound = ThreadBinding(policy: .none, homeNode: nil, rotation: [], simulated: false)

    /// Works out the rotation for `policy` on `topology`. `homeNode` is the memory's node: the
    /// `--node` number, or for first-touch and `local` placement the node the caller runs on;
    /// nil for interleaved memory, which `local` and `remote` refuse.
    public static func assign(_ policy: BindPolicy, on topology: NUMATopology, homeNode: Int?) throws(TopologyError) -> ThreadBinding {
        let rotation: [NodeCPUs]
        switch policy {
        case .none:
            rotation = []
        case .local:
            let home = try requireHome(homeNode, policy: policy, topology: topology)
            guard !home.cpus.isEmpty else { throw .nodeWithoutCPUs(home.id, policy: policy.rawValue) }
            rotation = [NodeCPUs(node: home.id, cpus: home.cpus)]
        case .remote:
            let home = try requireHome(homeNode, policy: policy, topology: topology)
            // The nearest other node with CPUs; equal distances go to the lower id.
            let others = topology.nodesWithCPUs.filter { $0.id != home.id }
            guard let nearest = others.min(by: { lhs, rhs in
                let left = topology.distance(from: home.id, to: lhs.id) ?? NUMATopology.remoteDistance
                let right = topology.distance(from: home.id, to: rhs.id) ?? NUMATopology.remoteDistance
                return left != right ? left < right : lhs.id < rhs.id
            }) else { throw .noRemoteNode(home: home.id, simulated: topology.isSimulated) }
            rotation = [NodeCPUs(node: nearest.id, cpus: nearest.cpus)]
        case .roundrobin:
            rotation = topology.nodesWithCPUs.map { NodeCPUs(node: $0.id, cpus: $0.cpus) }
        }
        let home = policy == .local || policy == .remote ? homeNode : nil
        return ThreadBinding(policy: policy, homeNode: home, rotation: rotation, simulated: topology.isSimulated)
    }

    private static func requireHome(_ homeNode: Int?, policy: BindPolicy, topology: NUMATopology) throws(TopologyError) -> NUMATopology.Node {
        guard let homeNode else { throw .noSingleHome(policy: policy.rawValue) }
        guard let home = topology.node(homeNode) else {
            throw .noSuchNode(homeNode, nodes: topology.nodeIDs, simulated: topology.isSimulated)
        }
        return home
    }

    /// The node worker `index` is bound to, or nil when unbound.
    public func node(forWorker index: Int) -> Int? {
        rotation.isEmpty ? nil : rotation[index % rotation.count].node
    }

    /// The CPUs worker `index` is bound to, or nil when unbound.
    public func cpus(forWorker index: Int) -> [Int]? {
        rotation.isEmpty ? nil : rotation[index % rotation.count].cpus
    }

    /// The CPUs to really bind worker `index` to: none when the binding is simulated, since its
    /// CPU numbers describe another machine.
    public func appliedCPUs(forWorker index: Int) -> [Int]? {
        simulated ? nil : cpus(forWorker: index)
    }
}
