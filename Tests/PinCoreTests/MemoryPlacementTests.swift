import Foundation
import PinCore
import Testing

@Suite("--node: memory placement")
struct MemoryPlacementTests {
    static let topology = NUMATopology(
        nodes: [
            .init(id: 0, cpus: [0, 1], memoryBytes: 1 << 30, freeBytes: 1 << 30),
            .init(id: 1, cpus: [2, 3], memoryBytes: 0, freeBytes: 0),  // memoryless
            .init(id: 4, cpus: [], memoryBytes: 1 << 30, freeBytes: 1 << 30),  // CPU-less
        ],
        distances: [[10, 21, 30], [21, 10, 30], [30, 30, 10]])

    @Test("parses numbers, interleave, local, device and first-touch", arguments: [
        ("0", MemoryPlacement.node(0)), ("12", .node(12)), ("interleave", .interleave), ("Local", .local),
        ("first-touch", .firstTouch), ("none", .firstTouch), ("device", .device),
    ])
    func parses(text: String, expected: MemoryPlacement) throws {
        #expect(try MemoryPlacement.parse(text) == expected)
    }

    @Test("refuses anything else", arguments: ["-1", "node0", "", "1.5", "99999", "+1"])
    func refuses(text: String) {
        #expect(throws: TopologyError.invalidPlacement(text)) { try MemoryPlacement.parse(text) }
    }

    @Test("a node must exist and have memory")
    func validation() throws {
        try MemoryPlacement.node(0).validate(on: Self.topology)
        try MemoryPlacement.node(4).validate(on: Self.topology)
        try MemoryPlacement.interleave.validate(on: Self.topology)
        #expect(throws: TopologyError.noSuchNode(2, nodes: [0, 1, 4], simulated: false)) {
            try MemoryPlacement.node(2).validate(on: Self.topology)
        }
        #expect(throws: TopologyError.nodeWithoutMemory(1)) { try MemoryPlacement.node(1).validate(on: Self.topology) }
    }

    @Test("intended nodes: the node, the memory nodes, or where the workers ran")
    func intended() {
        #expect(MemoryPlacement.node(4).intendedNodes(on: Self.topology, workerNodes: [0]) == [4])
        #expect(MemoryPlacement.interleave.intendedNodes(on: Self.topology, workerNodes: [0]) == [0, 4])
        #expect(MemoryPlacement.local.intendedNodes(on: Self.topology, workerNodes: [1, 0, 1]) == [0, 1])
        #expect(MemoryPlacement.firstTouch.intendedNodes(on: Self.topology, workerNodes: []) == [])
    }

    @Test("encodes as the text --node takes")
    func codable() throws {
        for placement in [MemoryPlacement.node(3), .interleave, .local, .firstTouch] {
            let data = try JSONEncoder().encode([placement])
            #expect(String(decoding: data, as: UTF8.self) == "[\"\(placement)\"]")
            #expect(try JSONDecoder().decode([MemoryPlacement].self, from: data) == [placement])
        }
    }
}
