import Foundation
import PinCore
@testable import PinSystem
import Testing

@Suite("The machine's NUMA topology from sysfs fixtures and libnuma")
struct MachineTopologyTests {
    typealias Fixture = NodeInfoTests.Fixture

    @Test("one node: CPUs, memory and the distance to itself")
    func oneNode() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.node(0, cpulist: "0-3", totalKB: 8 << 20, freeKB: 6 << 20, distance: "10")
        let topology = MachineTopology.read(root: fixture.root).topology
        #expect(!topology.isSimulated)
        #expect(topology.nodes == [NUMATopology.Node(id: 0, cpus: [0, 1, 2, 3], memoryBytes: 8 << 30, freeBytes: 6 << 30)])
        #expect(topology.distances == [[10]])
        #expect(topology.nodesWithCPUs.map(\.id) == [0])
        #expect(topology.node(ofCPU: 3) == 0)
        // One node binds locally and has no remote node: a normal answer, said plainly.
        #expect(try ThreadBinding.assign(.local, on: topology, homeNode: 0).node(forWorker: 1) == 0)
        #expect(throws: TopologyError.noRemoteNode(home: 0, simulated: false)) {
            try ThreadBinding.assign(.remote, on: topology, homeNode: 0)
        }
    }

    @Test("two nodes with CPUs, one memoryless, and a CPU-less memory node")
    func memorylessAndCPUless() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.node(0, cpulist: "0-3", totalKB: 4 << 20, freeKB: 3 << 20, distance: "10 21 17")
        try fixture.node(1, cpulist: "4-7", totalKB: 0, freeKB: 0, distance: "21 10 28")
        try fixture.node(2, cpulist: "", totalKB: 2 << 20, freeKB: 2 << 20, distance: "17 28 10")
        let topology = MachineTopology.read(root: fixture.root).topology
        #expect(topology.nodesWithCPUs.map(\.id) == [0, 1])
        #expect(topology.nodesWithMemory.map(\.id) == [0, 2])
        #expect(topology.distance(from: 1, to: 2) == 28)
        // Placement: the memoryless node cannot hold the region; the CPU-less one can.
        #expect(throws: TopologyError.nodeWithoutMemory(1)) { try MemoryPlacement.node(1).validate(on: topology) }
        try MemoryPlacement.node(2).validate(on: topology)
        // Binding: round robin skips the CPU-less node; local from it is its nearest CPU node,
        // remote the next one.
        let roundRobin = try ThreadBinding.assign(.roundrobin, on: topology, homeNode: nil)
        #expect((0..<4).map { roundRobin.node(forWorker: $0)! } == [0, 1, 0, 1])
        #expect(try ThreadBinding.assign(.local, on: topology, homeNode: 2).node(forWorker: 0) == 0)
        #expect(try ThreadBinding.assign(.remote, on: topology, homeNode: 2).node(forWorker: 0) == 1)
    }

    @Test("sparse node numbers keep their ids in placement and binding")
    func sparse() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.node(0, cpulist: "0-1", totalKB: 1 << 20, freeKB: 1 << 19, distance: "10 20 30")
        try fixture.node(2, cpulist: "2-3", totalKB: 1 << 20, freeKB: 1 << 19, distance: "20 10 30")
        try fixture.node(10, cpulist: "4-5", totalKB: 1 << 20, freeKB: 1 << 19, distance: "30 30 10")
        let topology = MachineTopology.read(root: fixture.root).topology
        #expect(topology.nodeIDs == [0, 2, 10])
        #expect(topology.distance(from: 10, to: 2) == 30)
        #expect(throws: TopologyError.noSuchNode(1, nodes: [0, 2, 10], simulated: false)) {
            try MemoryPlacement.node(1).validate(on: topology)
        }
        #expect(try ThreadBinding.assign(.remote, on: topology, homeNode: 10).node(forWorker: 0) == 0)
        #expect(try ThreadBinding.assign(.local, on: topology, homeNode: 10).cpus(forWorker: 3) == [4, 5])
        let roundRobin = try ThreadBinding.assign(.roundrobin, on: topology, homeNode: nil)
        #expect((0..<4).map { roundRobin.node(forWorker: $0)! } == [0, 2, 10, 0])
    }

    @Test("a node folder without a distance file gets the kernel's default distances")
    func missingDistances() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.node(0, cpulist: "0", totalKB: 1024, freeKB: 512, distance: "10 20")
        try fixture.node(1, cpulist: "1", totalKB: 1024, freeKB: 512, distance: "")
        #expect(MachineTopology.read(root: fixture.root).topology.distances == [[10, 20], [20, 10]])
    }

    @Test("this machine: libnuma answers, agrees with sysfs, and every online CPU has a node")
    func thisMachine() {
        let machine = MachineTopology.current()
        #expect(!machine.nodes.isEmpty)
        if let libnuma = machine.libnuma {
            #expect(libnuma.nodes == machine.nodes.map(\.id))
            #expect(machine.disagreements.isEmpty)
        }
        let topology = machine.topology
        for cpu in NodeInfo.onlineCPUs() { #expect(topology.node(ofCPU: cpu) != nil) }
        #expect(topology.node(ofCPU: CPUSet.current()) != nil)
    }

    @Test("disagreements between libnuma and sysfs are reported")
    func disagreement() {
        let node = NodeInfo(id: 0, cpuList: "0", cpus: [0], memTotalBytes: 1, memFreeBytes: 1, distances: [10], hugepagePools: [])
        let agreeing = MachineTopology(nodes: [node], libnuma: .init(maxNode: 0, nodes: [0], distances: [[10]]))
        #expect(agreeing.disagreements.isEmpty)
        let limited = MachineTopology(nodes: [node], libnuma: .init(maxNode: 1, nodes: [], distances: []))
        #expect(limited.disagreements.first?.contains("a cpuset may limit") == true)
        let distances = MachineTopology(nodes: [node], libnuma: .init(maxNode: 0, nodes: [0], distances: [[11]]))
        #expect(distances.disagreements.first?.contains("distances") == true)
    }
}
