#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinSystem
import Testing

@Suite("mbind placement, checked with move_pages")
struct PlacementTests {
    /// Writes one byte per base page, as a pin would fault them in.
    static func touch(_ region: Region) {
        for offset in stride(from: 0, to: region.size.bytes, by: PageSize.base.bytes) {
            region.pointer(at: offset).storeBytes(of: 1, as: UInt8.self)
        }
    }

    static let nodeZeroHasMemory = MachineTopology.current().topology.node(0).map { $0.memoryBytes > 0 } ?? false

    @Test("MPOL_BIND to node 0: every sampled page is on node 0 after the first touch",
          .enabled(if: nodeZeroHasMemory, "node 0 has no memory here"))
    func bindNodeZero() throws {
        let region = try Region.map(kind: .anon, size: .mib(32))
        // Before the first touch nothing is there to be found.
        let before = try region.samplePageNodes(limit: 64)
        #expect(before.sampled == 64)
        #expect(before.absent == 64)
        #expect(try region.placementInEffect().placement == .firstTouch)
        try region.applyPlacement(.node(0), memoryNodes: [0])
        let policy = try region.placementInEffect()
        #expect(policy.placement == .node(0) && policy.nodes == [0])
        Self.touch(region)
        let after = try region.samplePageNodes(limit: 4096)
        #expect(after.sampled == 4096)
        #expect(after.pagesByNode == [0: 4096])
        #expect(after.absent == 0 && after.errors == 0)
        #expect(after.pages(on: [0]) == 4096)
    }

    @Test("the sample spreads over the whole region: touching only its first half shows half absent")
    func sampleSpread() throws {
        let region = try Region.map(kind: .anon, size: .mib(16))
        try region.applyPlacement(.local, memoryNodes: [])
        #expect(try region.placementInEffect().placement == .local)
        for offset in stride(from: 0, to: region.size.bytes / 2, by: PageSize.base.bytes) {
            region.pointer(at: offset).storeBytes(of: 1, as: UInt8.self)
        }
        let sample = try region.samplePageNodes(limit: 100)
        #expect(sample.absent == 50)
        #expect(sample.pagesByNode.values.reduce(0, +) == 50)
        // A sample larger than the region asks about every page once.
        #expect(try region.samplePageNodes(limit: 1 << 20).sampled == region.pages)
    }

    @Test("interleave over the memory nodes lands only on them")
    func interleave() throws {
        let nodes = MachineTopology.current().topology.nodesWithMemory.map(\.id)
        let region = try Region.map(kind: .anon, size: .mib(16))
        try region.applyPlacement(.interleave, memoryNodes: nodes)
        let policy = try region.placementInEffect()
        #expect(policy.placement == .interleave && policy.nodes == nodes)
        Self.touch(region)
        let sample = try region.samplePageNodes(limit: 512)
        #expect(sample.pages(on: nodes) == 512)
    }

    @Test("binding to a node this machine does not have fails with the call named")
    func noSuchNode() throws {
        let missing = (MachineTopology.current().topology.nodeIDs.max() ?? 0) + 1
        let region = try Region.map(kind: .anon, size: .mib(2))
        #expect {
            try region.applyPlacement(.node(missing), memoryNodes: [])
        } throws: { error in
            (error as? SystemError)?.operation.hasPrefix("mbind(") == true
        }
    }

    @Test("sampled page indices: in range, ascending, one per stratum, and every residue of 2, 3 and 4 nodes seen alike")
    func sampleDoesNotAliasWithInterleave() {
        let indices = Region.sampledPageIndices(pages: 8192, limit: 1024)
        #expect(indices.count == 1024 && indices == indices.sorted() && Set(indices).count == 1024)
        #expect(indices.allSatisfy { $0 >= 0 && $0 < 8192 })
        for (stratum, index) in indices.enumerated() { #expect(index / 8 == stratum) }
        // Interleaving puts page i on node i mod N: the sample must see every node about equally
        // (evenly spaced first pages were all even, so all on node 0).
        for nodes in [2, 3, 4] {
            let counts = Dictionary(grouping: indices, by: { $0 % nodes }).mapValues(\.count)
            #expect(counts.count == nodes)
            #expect(counts.values.allSatisfy { abs($0 - 1024 / nodes) <= 1024 / nodes / 10 }, "\(nodes) nodes: \(counts)")
        }
        #expect(Region.sampledPageIndices(pages: 100, limit: 1024) == Array(0..<100))
        #expect(Region.sampledPageIndices(pages: 1, limit: 1024) == [0])
        let uneven = Region.sampledPageIndices(pages: 1000, limit: 7)
        #expect(uneven.count == 7 && uneven.allSatisfy { $0 < 1000 } && Set(uneven).count == 7)
    }
}
