import PinBackends
import PinContract
import PinCore
import PinEngine
@testable import PinHarness
import PinSystem
import Testing

@Suite("Runs record placement and binding")
struct NUMARunTests {
    /// Two sockets as sysfs would describe them: node 0 CPUs 0-1, node 1 CPUs 2-3, both with memory.
    static let twoSockets = MachineTopology(nodes: [
        NodeInfo(id: 0, cpuList: "0-1", cpus: [0, 1], memTotalBytes: 8 << 30, memFreeBytes: 4 << 30, distances: [10, 21], hugepagePools: []),
        NodeInfo(id: 1, cpuList: "2-3", cpus: [2, 3], memTotalBytes: 8 << 30, memFreeBytes: 4 << 30, distances: [21, 10], hugepagePools: []),
    ], libnuma: nil)

    static func configuration(_ numa: NUMAOptions, strategies: [Strategy] = Strategy.allCases) -> RunConfiguration {
        RunConfiguration(
            strategies: strategies, threads: 2, size: .mib(16), memory: .anon,
            kernel: KernelPlanParameters(align: .base, minChunk: .mib(2), maxThreads: 2),
            repetitions: 1, warmups: 0, numa: numa)
    }

    @Test("--node 0 --bind local here: memory bound to node 0, every worker bound there and found there")
    func boundHere() throws {
        let experiment = try Experiment(Self.configuration(NUMAOptions(placement: .node(0), bind: .local)))
        #expect(experiment.numa.bindsMemoryForReal)
        let records = try experiment.run()
        #expect(records.count == 3)
        for record in records {
            #expect(record.verified, "\(record.error ?? "")")
            let numa = try #require(record.numa)
            #expect(numa.topology == "machine")
            #expect(numa.placementApplied == "mbind MPOL_BIND node 0")
            #expect(numa.bindApplied == "bound")
            #expect(numa.workers.count == record.workers)
            #expect(numa.workers.allSatisfy { $0.boundNode == 0 && $0.node == 0 && $0.cpu >= 0 })
            #expect(numa.pageNodes?.sampled == 1024 || numa.pageNodes?.sampled == 4096)
            #expect(numa.intendedNodes == [0])
            #expect(numa.shareOnIntended == 1)
            #expect(!numa.misplaced)
            // The job allocated 4096 pages on node 0 itself, whatever else the system did.
            #expect(numa.numaBalancing == NUMABalancing.current().sysctlValue)
            #expect((numa.vmstat?["numa_hit"] ?? 0) >= 4096)
            #expect(numa.vmstat?["numa_pte_updates"] != nil)
        }
        let table = NUMATable(records: records)
        #expect(table.isWorthShowing)
        #expect(table.markdown().contains("| kernel | 0 | 0 | 0 | 100% | 0 of 1 |"))
    }

    @Test("defaults still record where pages and threads were, and print no NUMA table")
    func defaults() throws {
        let records = try Experiment(Self.configuration(NUMAOptions(), strategies: [.user])).run()
        let numa = try #require(records.first?.numa)
        #expect(numa.placement == "first-touch" && numa.placementApplied == "none (first touch)")
        #expect(numa.bind == "none" && numa.workers.allSatisfy { $0.boundNode == nil && $0.node != nil })
        #expect(numa.shareOnIntended == 1)
        #expect(!NUMATable(records: records).isWorthShowing)
    }

    @Test("a simulated 2x8 with roundrobin: the assignment is recorded, nothing is bound, nothing is flagged")
    func simulated() throws {
        let experiment = try Experiment(Self.configuration(
            NUMAOptions(placement: .node(1), bind: .roundrobin, topology: "2x8"), strategies: [.user, .kernel]))
        #expect(!experiment.numa.bindsMemoryForReal)
        let records = try experiment.run()
        for record in records {
            #expect(record.verified)
            let numa = try #require(record.numa)
            #expect(numa.topology == "simulated 2x8")
            #expect(numa.placementApplied.hasPrefix("simulated"))
            #expect(numa.bindApplied.hasPrefix("simulated"))
            #expect(numa.workers.map(\.boundNode) == [0, 1])
            #expect(numa.workers.map(\.boundCPUs) == ["0-7", "8-15"])
            // The pages are on this machine's node 0, not the simulated node 1: reported, not flagged.
            #expect(numa.intendedNodes == [1] && numa.shareOnIntended == 0)
            #expect(!numa.misplaced)
        }
    }

    @Test("pages off the intended node flag a real run as misplaced")
    func misplaced() throws {
        // Unbound: a real binding to node 1's CPUs 2-3 would be refused on a machine without them.
        let setup = try NUMASetup(NUMAOptions(placement: .node(1)), machine: Self.twoSockets)
        #expect(setup.bindsMemoryForReal && setup.homeNode == 1)
        let plan = try CutPlanner.plan(strategy: .single, size: .mib(4), memory: .anon, threads: 1)
        var thread = ThreadStats(index: 0)
        thread.cpu = 2
        thread.pinChunks = 1
        func record(_ byNode: [Int: Int]) -> NUMARecord {
            let job = JobResult(plan: plan, threadStartSeconds: 0, pinSeconds: 1, unpinSeconds: 1, threads: [thread],
                                pinnedCheck: .init(passed: true, detail: ""), unpinnedCheck: .init(passed: true, detail: ""),
                                error: nil, pageNodes: PageNodeSample(sampled: 100, pagesByNode: byNode, absent: 0, errors: 0))
            return NUMARecord(setup: setup, job: job, machine: Self.twoSockets.topology)
        }
        let wrong = record([0: 40, 1: 60])
        #expect(wrong.shareOnIntended == 0.6)
        #expect(wrong.misplaced)
        #expect(wrong.workers.first?.node == 1)
        #expect(wrong.placementSummary == "60% of 100 sampled pages on node 1")
        #expect(!record([1: 100]).misplaced)
        #expect(record([1: 99, 0: 1]).misplaced == false)
        #expect(record([1: 98, 0: 2]).misplaced)
    }

    @Test("a real binding to CPUs this process may not use is refused before the run")
    func outsideCPUSet() throws {
        let farAway = MachineTopology(nodes: [
            NodeInfo(id: 0, cpuList: "0", cpus: [0], memTotalBytes: 1 << 30, memFreeBytes: 1 << 30, distances: [10, 20], hugepagePools: []),
            NodeInfo(id: 1, cpuList: "65000", cpus: [65000], memTotalBytes: 1 << 30, memFreeBytes: 1 << 30, distances: [20, 10], hugepagePools: []),
        ], libnuma: nil)
        #expect { try NUMASetup(NUMAOptions(placement: .node(1), bind: .local), machine: farAway) } throws: { error in
            (error as? HarnessError)?.description.contains("may only use CPUs") == true
        }
        // The same shape simulated binds nothing, so nothing is refused.
        _ = try NUMASetup(NUMAOptions(placement: .node(1), bind: .local, topology: "0:0,1:65000"))
    }

    @Test("the NUMA table is shown when the balancer scanned, even with nothing asked")
    func scanningShowsTable() throws {
        var records = try Experiment(Self.configuration(NUMAOptions(), strategies: [.single])).run()
        #expect(!NUMATable(records: records).isWorthShowing)
        records[0].numa?.vmstat = VMStatDelta([.init(name: "numa_pte_updates", delta: 512), .init(name: "numa_hint_faults", delta: 7)])
        let table = NUMATable(records: records)
        #expect(table.isWorthShowing)
        #expect(table.markdown().contains("| 512 | 7 | - |"))
    }

    @Test("the home node of first-touch memory is the lowest node with CPUs and memory")
    func homeNode() throws {
        let memoryless = MachineTopology(nodes: [
            NodeInfo(id: 0, cpuList: "0", cpus: [0], memTotalBytes: 0, memFreeBytes: 0, distances: [10, 20], hugepagePools: []),
            NodeInfo(id: 1, cpuList: "1", cpus: [1], memTotalBytes: 1 << 30, memFreeBytes: 1 << 30, distances: [20, 10], hugepagePools: []),
        ], libnuma: nil)
        #expect(try NUMASetup(NUMAOptions(bind: .local), machine: memoryless).homeNode == 1)
        #expect(try NUMASetup(NUMAOptions(placement: .interleave, bind: .roundrobin), machine: memoryless).homeNode == nil)
        #expect(throws: HarnessError.self) { try NUMASetup(NUMAOptions(placement: .interleave, bind: .remote), machine: memoryless) }
    }

    @Test("foliosim's address-space range refuses --node; --node warns when its node has less free memory than the region")
    func refusals() throws {
        var configuration = Self.configuration(NUMAOptions(placement: .node(0)))
        configuration.backendOptions = FolioSimOptions()
        #expect { try Experiment(configuration) } throws: { error in
            (error as? HarnessError)?.description.contains("address space only") == true
        }
        let setup = try NUMASetup(NUMAOptions(placement: .node(0)), machine: Self.twoSockets)
        #expect(setup.warnings(size: .gib(2)).isEmpty)
        #expect(setup.warnings(size: .gib(5)).first?.contains("4 GiB free") == true)
    }
}
