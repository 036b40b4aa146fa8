import Foundation
import Testing

@Suite("pinbench topology, --node, --bind and --topology on the command line")
struct NUMACommandTests {
    static let nodeFolders = ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/devices/system/node")) ?? [])
        .filter { $0.hasPrefix("node") && $0.dropFirst(4).allSatisfy(\.isNumber) }

    @Test("topology prints this machine's nodes, distances and numa_balancing")
    func topology() throws {
        let result = try PinbenchProcess.run(["topology"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("topology: machine, \(max(Self.nodeFolders.count, 1)) node"))
        #expect(result.stdout.contains("| node | CPUs | memory | free |"))
        #expect(result.stdout.contains("| distance | to 0 |"))
        #expect(result.stdout.contains("numa_balancing: "))
    }

    @Test("topology --json has one entry per sysfs node and libnuma's answer")
    func topologyJSON() throws {
        let result = try PinbenchProcess.run(["topology", "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.count == max(Self.nodeFolders.count, 1))
        #expect(object["source"] as? String == "machine")
        #expect(object["libnumaAvailable"] as? Bool == true)
        #expect((nodes.first?["cpus"] as? [Int])?.isEmpty == false)
        // Every huge page size sysfs has, with its hugetlbfs mount (or none).
        let pools = ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/kernel/mm/hugepages")) ?? []).count
        #expect((object["hugetlbfs"] as? [[String: Any]])?.count == pools)
    }

    @Test("topology --topology shows the simulated shape; a bad one exits 2 with the format")
    func simulatedTopology() throws {
        let result = try PinbenchProcess.run(["topology", "--topology", "0:0-7,1:8-15"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("topology: simulated 0:0-7,1:8-15, 2 nodes"))
        #expect(result.stdout.contains("| 1 | 8-15 (8) |"))
        let bad = try PinbenchProcess.run(["topology", "--topology", "2by8"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("write NODESxCPUS (2x8)"))
    }

    @Test("plan shows where every worker of a kernel job would run on a simulated 2x8")
    func plan() throws {
        let result = try PinbenchProcess.run(["plan", "--strategy", "kernel", "--size", "16G", "--threads", "4",
                                              "--min-chunk", "1G", "--topology", "2x8", "--bind", "roundrobin", "--node", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("memory:            --node 1: simulated: not bound on this machine"))
        #expect(result.stdout.contains("worker 0 (caller): node 0, CPUs 0-7"))
        #expect(result.stdout.contains("worker 3 (helper): node 1, CPUs 8-15"))
        let json = try PinbenchProcess.run(["plan", "--strategy", "user", "--size", "1G", "--threads", "2",
                                            "--topology", "2x8", "--bind", "remote", "--node", "0", "--json"])
        #expect(json.stdout.contains("\"workerBinding\":[{\"worker\":0,\"node\":1,\"cpus\":\"8-15\"}"))
    }

    @Test("run --node 0 --bind local records placement and binding, and prints the NUMA table")
    func runBound() throws {
        let result = try PinbenchProcess.run(["run", "--memory", "anon", "--size", "16M", "--threads", "2", "--reps", "1",
                                              "--warmup", "0", "--node", "0", "--bind", "local", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let numa = try #require(record["numa"] as? [String: Any])
            #expect(numa["placementApplied"] as? String == "mbind MPOL_BIND node 0")
            #expect(numa["shareOnIntended"] as? Double == 1)
            #expect(numa["misplaced"] as? Bool == false)
            #expect((numa["workers"] as? [[String: Any]])?.allSatisfy { $0["boundNode"] as? Int == 0 } == true)
        }
        #expect(result.stderr.contains("| NUMA | bound to node |"))
        #expect(result.stderr.contains("placement: --node 0: mbind MPOL_BIND node 0"))
    }

    @Test("placement and binding a machine cannot give exit 2 with the reason", arguments: [
        (["--node", "1023"], "node 1023 does not exist"),
        (["--node", "4095"], "'4095' is invalid for '--node <node>': out of range 0...1023"),
        (["--node", "north"], "is not a node number, interleave, local or device"),
        (["--bind", "device"], "--bind device follows the DMA device the backend maps for, and these options name none"),
        (["--node", "device", "--backend", "vfio"], "--node device follows the DMA device"),
        (["--bind", "device", "--backend", "vfio", "--vfio", "type1:4242", "--strategy", "single"], "no IOMMU group 4242"),
        (["--bind", "device", "--topology", "2x8", "--backend", "vfio", "--vfio", "iommufd:vfio9", "--strategy", "single"], "--topology plans for another machine"),
        (["--bind", "sideways"], "unknown bind policy 'sideways'"),
        (["--node", "interleave", "--bind", "local"], "interleaved memory has no single node"),
        (["--topology", "2x"], "write NODESxCPUS"),
        (["--bind", "local", "--baseline"], "C twin runs its threads unbound"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let result = try PinbenchProcess.run(["run", "--size", "16M", "--memory", "anon", "--reps", "1"] + arguments)
        #expect(result.status == 2, "\(result.status)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("--bind remote on a machine with one node says how to plan for two",
          .enabled(if: nodeFolders.count <= 1, "this machine has a second node"))
    func remoteOnOneNode() throws {
        let result = try PinbenchProcess.run(["run", "--size", "16M", "--memory", "anon", "--bind", "remote"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--topology 2x8"))
    }

    @Test("a sweep applies the NUMA options, says so in summary.md, and refuses them again with --resume")
    func sweep() throws {
        let dry = try PinbenchProcess.run(["sweep", "--dry-run", "--threads", "1,2", "--sizes", "16M", "--memory", "anon",
                                           "--backends", "populate", "--node", "0", "--bind", "roundrobin"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("node 0, bind roundrobin"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pinbench-numa-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let real = try PinbenchProcess.run(["sweep", "--threads", "2", "--strategies", "user", "--sizes", "16M", "--memory", "anon",
                                            "--backends", "populate", "--reps", "1", "--warmup", "0", "--node", "0",
                                            "--output", directory])
        #expect(real.status == 0, "\(real.stderr)")
        let summary = try String(contentsOfFile: "\(directory)/summary.md", encoding: .utf8)
        #expect(summary.contains("NUMA: --node 0 (mbind MPOL_BIND node 0), --bind none (none), topology machine; 0 of 1 measured runs"))
        let runs = try String(contentsOfFile: "\(directory)/runs.jsonl", encoding: .utf8)
        #expect(runs.contains("\"placementApplied\":\"mbind MPOL_BIND node 0\""))
        let resumed = try PinbenchProcess.run(["sweep", "--resume", "/nonexistent", "--bind", "local"])
        #expect(resumed.status != 0)
        #expect(resumed.stderr.contains("--bind"))
    }
}
