import Foundation
import PinCore
@testable import PinSystem
import Testing

@Suite("NUMA nodes from sysfs")
struct NodeInfoTests {
    /// A fake `/sys/devices/system/node` in a fresh temporary folder, removed by `remove()`.
    struct Fixture {
        let root: String

        init() throws {
            root = FileManager.default.temporaryDirectory
                .appendingPathComponent("pinbench-nodes-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            // What the real folder holds besides nodeN, which the reader must skip.
            try write("online", "0-1\n")
            try write("possible", "0-3\n")
            try FileManager.default.createDirectory(atPath: "\(root)/power", withIntermediateDirectories: true)
        }

        func write(_ relative: String, _ text: String) throws {
            let path = "\(root)/\(relative)"
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }

        /// One node folder as the kernel writes it (meminfo keys carry the node number).
        func node(_ id: Int, cpulist: String, totalKB: Int, freeKB: Int, distance: String) throws {
            try write("node\(id)/cpulist", cpulist + "\n")
            try write("node\(id)/cpumap", "00000000\n")
            try write("node\(id)/distance", distance + "\n")
            try write("node\(id)/meminfo", """
                Node \(id) MemTotal:       \(totalKB) kB
                Node \(id) MemFree:        \(freeKB) kB
                Node \(id) MemUsed:        \(totalKB - freeKB) kB
                Node \(id) HugePages_Total:     0

                """)
        }

        func pool(node id: Int, kilobytes: Int, total: Int, free: Int, surplus: Int) throws {
            let directory = "node\(id)/hugepages/hugepages-\(kilobytes)kB"
            try write("\(directory)/nr_hugepages", "\(total)\n")
            try write("\(directory)/free_hugepages", "\(free)\n")
            try write("\(directory)/surplus_hugepages", "\(surplus)\n")
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test("one node: CPUs, memory, distance")
    func oneNode() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.node(0, cpulist: "0-3", totalKB: 8_000_000, freeKB: 6_000_000, distance: "10")
        let nodes = NodeInfo.readAll(root: fixture.root)
        #expect(nodes.count == 1)
        let node = try #require(nodes.first)
        #expect(node.id == 0)
        #expect(node.cpuList == "0-3")
        #expect(node.cpus == [0, 1, 2, 3])
        #expect(node.memTotalBytes == 8_000_000 * 1024)
        #expect(node.memFreeBytes == 6_000_000 * 1024)
        #expect(node.distances == [10])
        #expect(node.hugepagePools.isEmpty)
    }

    @Test("a memoryless node has CPUs and MemTotal 0; a CPU-less node has an empty cpulist")
    func memorylessAndCPUless() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.node(0, cpulist: "0-7,16-23", totalKB: 4_000_000, freeKB: 3_000_000, distance: "10 21 17")
        try fixture.node(1, cpulist: "8-15,24-31", totalKB: 0, freeKB: 0, distance: "21 10 28")
        // CXL or HBM memory exposed as a node of its own, with no CPUs.
        try fixture.node(2, cpulist: "", totalKB: 2_000_000, freeKB: 2_000_000, distance: "17 28 10")
        let nodes = NodeInfo.readAll(root: fixture.root)
        #expect(nodes.map(\.id) == [0, 1, 2])
        #expect(nodes[0].cpus == Array(0...7) + Array(16...23))
        #expect(nodes[1].cpuList == "8-15,24-31")
        #expect(nodes[1].cpus.count == 16)
        #expect(nodes[1].memTotalBytes == 0)
        #expect(nodes[2].cpuList == "")
        #expect(nodes[2].cpus.isEmpty)
        #expect(nodes[2].memTotalBytes == 2_000_000 * 1024)
        #expect(nodes.map(\.distances) == [[10, 21, 17], [21, 10, 28], [17, 28, 10]])
    }

    @Test("sparse node numbers: node0 and node2, and node10 sorts after node2")
    func sparse() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.node(10, cpulist: "4", totalKB: 1024, freeKB: 512, distance: "20 20 10")
        try fixture.node(2, cpulist: "2-3", totalKB: 2048, freeKB: 1024, distance: "20 10 20")
        try fixture.node(0, cpulist: "0-1", totalKB: 4096, freeKB: 2048, distance: "10 20 20")
        let nodes = NodeInfo.readAll(root: fixture.root)
        #expect(nodes.map(\.id) == [0, 2, 10])
        #expect(nodes.map(\.cpus) == [[0, 1], [2, 3], [4]])
        // The meminfo key carries the node's own number, not its position.
        #expect(nodes.map(\.memTotalBytes) == [4096 * 1024, 2048 * 1024, 1024 * 1024])
        #expect(nodes[1].distances == [20, 10, 20])
    }

    @Test("per-node hugepage pools, every size, smallest first")
    func pools() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.node(0, cpulist: "0", totalKB: 1 << 20, freeKB: 1 << 19, distance: "10 20")
        try fixture.node(1, cpulist: "1", totalKB: 1 << 20, freeKB: 1 << 19, distance: "20 10")
        try fixture.pool(node: 0, kilobytes: 1_048_576, total: 2, free: 1, surplus: 0)
        try fixture.pool(node: 0, kilobytes: 2048, total: 512, free: 500, surplus: 3)
        try fixture.pool(node: 0, kilobytes: 64, total: 7, free: 7, surplus: 0)
        try fixture.pool(node: 1, kilobytes: 2048, total: 100, free: 0, surplus: 0)
        // Not a pool folder: must be ignored.
        try fixture.write("node0/hugepages/README", "x\n")
        let nodes = NodeInfo.readAll(root: fixture.root)
        #expect(nodes[0].hugepagePools == [
            HugepagePool(pageSize: 64 << 10, total: 7, free: 7, reserved: 0, surplus: 0),
            HugepagePool(pageSize: 2 << 20, total: 512, free: 500, reserved: 0, surplus: 3),
            HugepagePool(pageSize: 1 << 30, total: 2, free: 1, reserved: 0, surplus: 0),
        ])
        #expect(nodes[1].hugepagePools == [HugepagePool(pageSize: 2 << 20, total: 100, free: 0, reserved: 0, surplus: 0)])
    }

    @Test("cpulist parsing", arguments: [
        ("0", [0]), ("0-3", [0, 1, 2, 3]), ("0-3,8,10-11", [0, 1, 2, 3, 8, 10, 11]),
        ("5-5", [5]), ("", []), ("\n", []), ("0-1\n", [0, 1]), ("126-127,255", [126, 127, 255]),
    ])
    func parse(text: String, expected: [Int]) {
        #expect(CPUList.parse(text) == expected)
    }

    @Test("malformed cpulists are refused", arguments: [
        "3-1", "0,,2", "0,", ",0", "-1", "0-", "1-2-3", "a", "0-x", "+3", "0 - 3", "0;1", "99999999", "0-70000", "1:2",
    ])
    func malformed(text: String) {
        #expect(CPUList.parse(text) == nil)
    }

    @Test("cpulist formatting folds runs and round-trips")
    func format() {
        #expect(CPUList.format([0, 1, 2, 3, 8, 10, 11]) == "0-3,8,10-11")
        #expect(CPUList.format([]) == "")
        #expect(CPUList.format([4]) == "4")
        #expect(CPUList.parse(CPUList.format([0, 2, 3, 4, 9])) == [0, 2, 3, 4, 9])
    }

    @Test("without a node folder the machine is one node 0 with every online CPU")
    func noNUMA() throws {
        let nodes = NodeInfo.readAll(root: "/nonexistent/pinbench/node")
        #expect(nodes.count == 1)
        let node = try #require(nodes.first)
        #expect(node.id == 0)
        #expect(node.cpus == NodeInfo.onlineCPUs())
        #expect(node.cpus.count == Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let memory = try MemoryInfo.current()
        #expect(node.memTotalBytes == memory.totalBytes)
        #expect(node.memFreeBytes > 0 && node.memFreeBytes <= node.memTotalBytes)
        #expect(node.distances == [10])
    }

    @Test("this machine's sysfs: exactly one node holding every online CPU")
    func live() throws {
        let nodes = NodeInfo.readAll()
        #expect(nodes.count == 1)
        let node = try #require(nodes.first)
        #expect(node.id == 0)
        #expect(node.cpus == NodeInfo.onlineCPUs())
        #expect(node.cpus.count == Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let memory = try MemoryInfo.current()
        #expect(node.memTotalBytes > 0 && node.memTotalBytes <= memory.totalBytes)
        #expect(node.distances == [10])
        // The kernel lists a node's share of every system-wide pool size.
        #expect(node.hugepagePools.map(\.pageSize)
            == NodeInfo.hugepagePools(under: "/sys/kernel/mm/hugepages").map(\.pageSize))
        #expect(!node.hugepagePools.isEmpty)
    }
}
