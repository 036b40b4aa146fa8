import Foundation
import PinCore
import Testing

@Suite("--topology: simulated NUMA shapes")
struct SimulatedTopologyTests {
    static let gib = 1 << 30

    @Test("2x8: two nodes of eight CPUs, memory shared evenly, distances 10 and 20")
    func grid() throws {
        let topology = try NUMATopology.simulated("2x8", totalMemoryBytes: 32 * Self.gib, freeMemoryBytes: 16 * Self.gib)
        #expect(topology.isSimulated)
        #expect(topology.sourceDescription == "simulated 2x8")
        #expect(topology.nodeIDs == [0, 1])
        #expect(topology.nodes[0].cpus == Array(0...7))
        #expect(topology.nodes[1].cpus == Array(8...15))
        #expect(topology.nodes.allSatisfy { $0.memoryBytes == 16 * Self.gib && $0.freeBytes == 8 * Self.gib })
        #expect(topology.distances == [[10, 20], [20, 10]])
        #expect(topology.node(ofCPU: 9) == 1)
        #expect(topology.node(ofCPU: 16) == nil)
        #expect(topology.distance(from: 0, to: 1) == 20)
    }

    @Test("node:cpulist pairs, a cpulist going on over commas, sparse ids and a CPU-less node")
    func nodeList() throws {
        let topology = try NUMATopology.simulated("0:0-3,8-11,2:4-7,5:", totalMemoryBytes: 3 * Self.gib, freeMemoryBytes: 0)
        #expect(topology.nodeIDs == [0, 2, 5])
        #expect(topology.nodes[0].cpus == [0, 1, 2, 3, 8, 9, 10, 11])
        #expect(topology.nodes[1].cpus == [4, 5, 6, 7])
        #expect(topology.nodes[2].cpus.isEmpty)
        #expect(topology.nodesWithCPUs.map(\.id) == [0, 2])
        #expect(topology.nodesWithMemory.map(\.id) == [0, 2, 5])
        #expect(topology.distance(from: 5, to: 2) == 20)
        #expect(topology.distance(from: 5, to: 5) == 10)
        #expect(topology.distance(from: 5, to: 3) == nil)
    }

    @Test("bad shapes are refused with what to write", arguments: [
        ("3y", "write NODESxCPUS"), ("0x8", "nodes must be 1 to 64"), ("2x0", "CPUs per node 1 to 1024"),
        ("0:0-3,0:4-7", "node 0 is given twice"), ("0:0-3,1:3-7", "CPU 3 is on two nodes"),
        ("1-3,0:4", "start with a node number"), ("a:0-3", "is not a node number"),
        ("0:3-1", "is not a cpulist"), ("0:,1:", "no node has CPUs"), ("", "write NODESxCPUS"),
    ])
    func refusals(spec: String, message: String) {
        #expect {
            _ = try NUMATopology.simulated(spec, totalMemoryBytes: Self.gib, freeMemoryBytes: Self.gib)
        } throws: { error in
            (error as? TopologyError)?.description.contains(message) == true
        }
    }

    @Test("a topology round-trips through JSON")
    func codable() throws {
        let topology = try NUMATopology.simulated("0:0-1,1:2-3", totalMemoryBytes: Self.gib, freeMemoryBytes: Self.gib)
        let decoded = try JSONDecoder().decode(NUMATopology.self, from: JSONEncoder().encode(topology))
        #expect(decoded == topology)
    }
}
