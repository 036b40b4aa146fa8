/// Where each worker of a job runs under a `BindPolicy`: worker `i` takes `rotation[i % count]`,
/// so the answer depends only on the worker's index and a pool shared by jobs of different
/// sizes binds its helpers once. Worker 0 is the caller for `single` and `kernel`, slice 0 for `user`.
public struct ThreadBinding: Sendable, Equatable, Codable {
    /// One node's CPUs in the rotation.
    public struct NodeCPUs: Sendable, Equatable, Codable {
        public var node: Int
        public var cpus: [Int]

        public init(node: Int, cpus: [Int]) {
            self.node = node
            self.cpus = cpus
        }
    }

    /// A node the policy pointed at that has no CPUs (coherent device memory, a CXL expander),
    /// and the node with CPUs its threads run on instead: the nearest one, the lower id on a tie.
    public struct Substitution: Sendable, Equatable, Codable, CustomStringConvertible {
        /// The CPU-less node the policy asked for.
        public var asked: Int
        /// Where the threads run instead.
        public var used: Int
        /// The SLIT distance from `asked` to `used`.
        public var distance: Int
        /// Other nodes with CPUs exactly as near (the tie the lower id won), ascending.
        public var tiedWith: [Int]

        public init(asked: Int, used: Int, distance: Int, tiedWith: [Int]) {
            self.asked = asked
            self.used = used
            self.distance = distance
            self.tiedWith = tiedWith
        }

        /// "node 2 has no CPUs: node 0 is the nearest with CPUs (distance 20; a tie with node 1, the lower id taken)".
        public var description: String {
            "node \(asked) has no CPUs: node \(used) is the nearest with CPUs (distance \(distance)"
                + (tiedWith.isEmpty ? ")" : "; a tie with node" + (tiedWith.count == 1 ? " " : "s ")
                    + tiedWith.map(String.init).joined(separator: ", ") + ", the lower id taken)")
        }
    }

    public var policy: BindPolicy
    /// The memory's node that `local` and `remote` are relative to; nil for `none`, `roundrobin`
    /// and `device`.
    public var homeNode: Int?
    /// Empty for `none`.
    public var rotation: [NodeCPUs]
    /// True when the topology is simulated: the assignment is reported, never applied.
    public var simulated: Bool
    /// Why the rotation differs from the policy's plain reading: each CPU-less node it pointed at
    /// and the node used instead, in rotation order; also a tie `remote` broke. Empty when none.
    public var substitutions: [Substitution]

    public init(policy: BindPolicy, homeNode: Int?, rotation: [NodeCPUs], simulated: Bool, substitutions: [Substitution] = []) {
        self.policy = policy
        self.homeNode = homeNode
        self.rotation = rotation
        self.simulated = simulated
        self.substitutions = substitutions
    }

    /// No binding at all.
    public static let unbound = ThreadBinding(policy: .none, homeNode: nil, rotation: [], simulated: false)

    /// Works out the rotation for `policy` on `topology`. `homeNode` is the memory's node: the
    /// `--node` number, or for first-touch and `local` placement the node the caller runs on;
    /// nil for interleaved memory, which `local` and `remote` refuse. `deviceNodes` are the
    /// nodes of the devices the backend maps for, in the backend's order (`device` only).
    ///
    /// Memory on a CPU-less node is local to the nearest node with CPUs, as the kernel's own
    /// fallback allocations and `numactl --cpunodebind` users treat it: `local` runs there and
    /// `remote` on the nearest node with CPUs after that one, so the two never coincide.
    public static func assign(_ policy: BindPolicy, on topology: NUMATopology, homeNode: Int?,
                              deviceNodes: [Int] = []) throws(TopologyError) -> ThreadBinding {
        var rotation: [NodeCPUs] = []
        var substitutions: [Substitution] = []
        switch policy {
        case .none:
            break
        case .local:
            let home = try requireHome(homeNode, policy: policy, topology: topology)
            let (node, substitution) = try withCPUs(home, policy: policy, topology: topology)
            rotation = [NodeCPUs(node: node.id, cpus: node.cpus)]
            substitutions = substitution.map { [$0] } ?? []
        case .remote:
            let home = try requireHome(homeNode, policy: policy, topology: topology)
            // From CPU-less memory, local is its nearest node with CPUs: remote is the next one.
            var excluded: Set<Int> = [home.id]
            if home.cpus.isEmpty, let local = nearest(to: home.id, on: topology, excluding: [home.id]) {
                excluded.insert(local.node.id)
                substitutions.append(Substitution(asked: home.id, used: local.node.id, distance: local.distance, tiedWith: local.tied))
            }
            guard let remote = nearest(to: home.id, on: topology, excluding: excluded) else {
                throw .noRemoteNode(home: home.id, simulated: topology.isSimulated)
            }
            rotation = [NodeCPUs(node: remote.node.id, cpus: remote.node.cpus)]
        case .roundrobin:
            rotation = topology.nodesWithCPUs.map { NodeCPUs(node: $0.id, cpus: $0.cpus) }
        case .device:
            guard !deviceNodes.isEmpty else { throw .noDeviceNode(policy: policy.rawValue) }
            var seen: Set<Int> = []
            for id in deviceNodes where seen.insert(id).inserted {
                guard let node = topology.node(id) else {
                    throw .noSuchNode(id, nodes: topology.nodeIDs, simulated: topology.isSimulated)
                }
                let (used, substitution) = try withCPUs(node, policy: policy, topology: topology)
                rotation.append(NodeCPUs(node: used.id, cpus: used.cpus))
                if let substitution { substitutions.append(substitution) }
            }
        }
        let home = policy == .local || policy == .remote ? homeNode : nil
        return ThreadBinding(policy: policy, homeNode: home, rotation: rotation, simulated: topology.isSimulated,
                             substitutions: substitutions)
    }

    private static func requireHome(_ homeNode: Int?, policy: BindPolicy, topology: NUMATopology) throws(TopologyError) -> NUMATopology.Node {
        guard let homeNode else { throw .noSingleHome(policy: policy.rawValue) }
        guard let home = topology.node(homeNode) else {
            throw .noSuchNode(homeNode, nodes: topology.nodeIDs, simulated: topology.isSimulated)
        }
        return home
    }

    /// `node` itself when it has CPUs, else its nearest node with CPUs and why.
    private static func withCPUs(_ node: NUMATopology.Node, policy: BindPolicy,
                                 topology: NUMATopology) throws(TopologyError) -> (NUMATopology.Node, Substitution?) {
        guard node.cpus.isEmpty else { return (node, nil) }
        guard let nearest = nearest(to: node.id, on: topology, excluding: [node.id]) else {
            throw .nodeWithoutCPUs(node.id, policy: policy.rawValue)
        }
        return (nearest.node, Substitution(asked: node.id, used: nearest.node.id, distance: nearest.distance, tiedWith: nearest.tied))
    }

    /// The nearest node with CPUs to `source` outside `excluded`, its distance, and the other
    /// nodes with CPUs exactly as near; equal distances go to the lower id. A missing distance
    /// counts as the kernel's `REMOTE_DISTANCE`.
    static func nearest(to source: Int, on topology: NUMATopology,
                        excluding excluded: Set<Int>) -> (node: NUMATopology.Node, distance: Int, tied: [Int])? {
        let candidates = topology.nodesWithCPUs.filter { !excluded.contains($0.id) }.map { node in
            (node: node, distance: topology.distance(from: source, to: node.id) ?? NUMATopology.remoteDistance)
        }
        guard let best = candidates.min(by: { $0.distance != $1.distance ? $0.distance < $1.distance : $0.node.id < $1.node.id })
        else { return nil }
        let tied = candidates.filter { $0.distance == best.distance && $0.node.id != best.node.id }.map(\.node.id)
        return (best.node, best.distance, tied)
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
