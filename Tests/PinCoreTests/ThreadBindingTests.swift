import PinCore
import Testing

@Suite("--bind: which node each worker runs on")
struct ThreadBindingTests {
    static func simulated(_ spec: String) throws -> NUMATopology {
        try NUMATopology.simulated(spec, totalMemoryBytes: 64 << 30, freeMemoryBytes: 64 << 30)
    }

    /// Four sockets where node 0's nearest neighbour is node 2, not node 1, and node 3 is
    /// CPU-less memory (CXL) closest to node 1.
    static let fourNodes = NUMATopology(
        nodes: [
            .init(id: 0, cpus: [0, 1], memoryBytes: 1 << 30, freeBytes: 1 << 30),
            .init(id: 1, cpus: [2, 3], memoryBytes: 1 << 30, freeBytes: 1 << 30),
            .init(id: 2, cpus: [4, 5], memoryBytes: 1 << 30, freeBytes: 1 << 30),
            .init(id: 3, cpus: [], memoryBytes: 1 << 30, freeBytes: 1 << 30),
        ],
        distances: [[10, 32, 21, 40], [32, 10, 32, 17], [21, 32, 10, 40], [40, 17, 40, 10]])

    @Test("none binds nobody")
    func none() throws {
        let binding = try ThreadBinding.assign(.none, on: Self.simulated("2x8"), homeNode: 0)
        #expect(binding.rotation.isEmpty)
        #expect((0..<4).allSatisfy { binding.cpus(forWorker: $0) == nil && binding.node(forWorker: $0) == nil })
    }

    @Test("local puts every worker on the memory's node", arguments: [0, 1])
    func local(home: Int) throws {
        let binding = try ThreadBinding.assign(.local, on: Self.simulated("2x8"), homeNode: home)
        #expect((0..<16).allSatisfy { binding.node(forWorker: $0) == home })
        #expect(binding.cpus(forWorker: 5) == Array(home * 8..<home * 8 + 8))
        #expect(binding.homeNode == home)
    }

    @Test("remote puts every worker on the other node of two")
    func remoteOfTwo() throws {
        let binding = try ThreadBinding.assign(.remote, on: Self.simulated("2x8"), homeNode: 0)
        #expect((0..<16).allSatisfy { binding.node(forWorker: $0) == 1 })
        #expect(binding.cpus(forWorker: 0) == Array(8...15))
    }

    @Test("remote takes the nearest other node with CPUs, by distance and then id")
    func remoteNearest() throws {
        #expect(try ThreadBinding.assign(.remote, on: Self.fourNodes, homeNode: 0).node(forWorker: 0) == 2)
        #expect(try ThreadBinding.assign(.remote, on: Self.fourNodes, homeNode: 2).node(forWorker: 3) == 0)
        // Node 1 is 32 from both 0 and 2: the lower id wins.
        #expect(try ThreadBinding.assign(.remote, on: Self.fourNodes, homeNode: 1).node(forWorker: 0) == 0)
        // CPU-less memory: local is its nearest node with CPUs (1), remote the next (0 and 2 tie; 0).
        #expect(try ThreadBinding.assign(.remote, on: Self.fourNodes, homeNode: 3).node(forWorker: 0) == 0)
    }

    @Test("roundrobin goes over the nodes with CPUs and skips CPU-less ones")
    func roundRobin() throws {
        let binding = try ThreadBinding.assign(.roundrobin, on: Self.fourNodes, homeNode: nil)
        #expect((0..<7).map { binding.node(forWorker: $0)! } == [0, 1, 2, 0, 1, 2, 0])
        #expect(binding.cpus(forWorker: 4) == [2, 3])
        #expect(binding.homeNode == nil)
        let two = try ThreadBinding.assign(.roundrobin, on: Self.simulated("0:0-3,2:4-7,5:"), homeNode: 0)
        #expect((0..<4).map { two.node(forWorker: $0)! } == [0, 2, 0, 2])
    }

    @Test("a simulated binding is reported and never applied; a real one is applied")
    func simulatedIsNotApplied() throws {
        let simulated = try ThreadBinding.assign(.local, on: Self.simulated("2x8"), homeNode: 1)
        #expect(simulated.simulated)
        #expect(simulated.cpus(forWorker: 0) == Array(8...15))
        #expect(simulated.appliedCPUs(forWorker: 0) == nil)
        let real = try ThreadBinding.assign(.local, on: Self.fourNodes, homeNode: 1)
        #expect(!real.simulated)
        #expect(real.appliedCPUs(forWorker: 0) == [2, 3])
    }

    @Test("bindings that cannot be made say why")
    func refusals() throws {
        #expect(throws: TopologyError.noRemoteNode(home: 0, simulated: true)) {
            try ThreadBinding.assign(.remote, on: Self.simulated("1x4"), homeNode: 0)
        }
        #expect(throws: TopologyError.noDeviceNode(policy: "device")) {
            try ThreadBinding.assign(.device, on: Self.fourNodes, homeNode: 0, deviceNodes: [])
        }
        #expect(throws: TopologyError.noSuchNode(9, nodes: [0, 1, 2, 3], simulated: false)) {
            try ThreadBinding.assign(.device, on: Self.fourNodes, homeNode: nil, deviceNodes: [9])
        }
        // Only memory, nowhere to run.
        let memoryOnly = NUMATopology(nodes: [.init(id: 0, cpus: [], memoryBytes: 1 << 30, freeBytes: 1 << 30)], distances: [[10]])
        #expect(throws: TopologyError.nodeWithoutCPUs(0, policy: "local")) {
            try ThreadBinding.assign(.local, on: memoryOnly, homeNode: 0)
        }
        #expect(throws: TopologyError.noSingleHome(policy: "remote")) {
            try ThreadBinding.assign(.remote, on: Self.fourNodes, homeNode: nil)
        }
        #expect(throws: TopologyError.noSuchNode(7, nodes: [0, 1, 2, 3], simulated: false)) {
            try ThreadBinding.assign(.local, on: Self.fourNodes, homeNode: 7)
        }
        #expect(TopologyError.noRemoteNode(home: 0, simulated: false).description.contains("--topology 2x8"))
    }

    @Test("local on CPU-less memory runs on its nearest node with CPUs, and says so")
    func localOnCPULessMemory() throws {
        let binding = try ThreadBinding.assign(.local, on: Self.fourNodes, homeNode: 3)
        #expect(binding.rotation == [.init(node: 1, cpus: [2, 3])])
        #expect(binding.substitutions == [.init(asked: 3, used: 1, distance: 17, tiedWith: [])])
        #expect(binding.substitutions[0].description == "node 3 has no CPUs: node 1 is the nearest with CPUs (distance 17)")
        // Remote is the nearest node with CPUs after that one: 0 and 2 tie at 40, 0 wins.
        let remote = try ThreadBinding.assign(.remote, on: Self.fourNodes, homeNode: 3)
        #expect(remote.node(forWorker: 0) == 0)
        #expect(remote.substitutions.map(\.used) == [1])
        // A plain node explains nothing.
        #expect(try ThreadBinding.assign(.local, on: Self.fourNodes, homeNode: 0).substitutions.isEmpty)
    }

    @Test("a tie in distance goes to the lower id and is said")
    func tie() throws {
        // The lab's shape: two nodes with a CPU each and a CPU-less node 20 away from both.
        let lab = NUMATopology(nodes: [
            .init(id: 0, cpus: [0], memoryBytes: 1 << 30, freeBytes: 1 << 30),
            .init(id: 1, cpus: [1], memoryBytes: 1 << 30, freeBytes: 1 << 30),
            .init(id: 2, cpus: [], memoryBytes: 1 << 30, freeBytes: 1 << 30),
        ], distances: [[10, 20, 20], [20, 10, 20], [20, 20, 10]])
        let local = try ThreadBinding.assign(.local, on: lab, homeNode: 2)
        #expect(local.node(forWorker: 0) == 0)
        #expect(local.substitutions == [.init(asked: 2, used: 0, distance: 20, tiedWith: [1])])
        #expect(local.substitutions[0].description
                == "node 2 has no CPUs: node 0 is the nearest with CPUs (distance 20; a tie with node 1, the lower id taken)")
        #expect(try ThreadBinding.assign(.remote, on: lab, homeNode: 2).node(forWorker: 0) == 1)
        // Device memory's own node, as --bind device sees it.
        let device = try ThreadBinding.assign(.device, on: lab, homeNode: nil, deviceNodes: [2])
        #expect(device.node(forWorker: 0) == 0 && device.substitutions.first?.tiedWith == [1])
    }

    @Test("device binds beside each device's node, in the devices' order, each node once")
    func device() throws {
        let binding = try ThreadBinding.assign(.device, on: Self.fourNodes, homeNode: 0, deviceNodes: [2, 0, 2])
        #expect(binding.rotation.map(\.node) == [2, 0])
        #expect((0..<4).map { binding.node(forWorker: $0)! } == [2, 0, 2, 0])
        #expect(binding.homeNode == nil && binding.substitutions.isEmpty)
        #expect(try ThreadBinding.assign(.device, on: Self.fourNodes, homeNode: nil, deviceNodes: [1]).cpus(forWorker: 3) == [2, 3])
    }
}
