import PinCore
import PinEngine
import PinSystem

/// Where one repetition's memory and threads were, as asked and as found (`RunRecord.numa`).
public struct NUMARecord: Sendable, Codable, Equatable {
    /// One worker: the node and CPUs it was bound to, and where it was when the pin phase began.
    public struct Worker: Sendable, Codable, Equatable {
        public var index: Int
        /// The node of the binding (nil when unbound).
        public var boundNode: Int?
        /// The binding's CPUs as a cpulist (nil when unbound).
        public var boundCPUs: String?
        /// `sched_getcpu()` at the start of the pin phase.
        public var cpu: Int
        /// The machine's node of that CPU.
        public var node: Int?
    }

    /// "machine" or "simulated 2x8".
    public var topology: String
    /// `--node` as asked: first-touch, a node number, interleave, local.
    public var placement: String
    /// What was done about it: "mbind MPOL_BIND node 0", "none (first touch)", "simulated: ...".
    public var placementApplied: String
    public var bind: String
    /// "none", "bound" or "simulated: threads not bound on this machine".
    public var bindApplied: String
    /// Where the threads ran and why, when the policy alone does not say: the devices' nodes
    /// (`--bind device`), a CPU-less node's nearest node with CPUs and any tie. Nil otherwise.
    public var bindReason: String?
    public var workers: [Worker]
    /// Where a sample of pages was after the pin phase (`move_pages`), when the backend has real memory.
    public var pageNodes: PageNodeSample?
    /// The nodes pages should be on: the `--node`, the interleave set, or where the workers ran.
    public var intendedNodes: [Int]
    /// Sampled present pages on `intendedNodes`, from 0 to 1.
    public var shareOnIntended: Double?
    /// A placement or binding was asked on the real machine, and pages landed elsewhere.
    public var misplaced: Bool
    /// `kernel.numa_balancing` when the run started ("0" off, "1" normal, "2" tiering, "3" both).
    public var numaBalancing: String
    /// How the system-wide `numa_*` counters of `/proc/vmstat` moved over the job (mapping,
    /// both phases, verification): `numa_pte_updates` and `numa_hint_faults` count the
    /// balancing scanner's work, pinned pages included; nil when /proc/vmstat was unreadable.
    public var vmstat: VMStatDelta?

    /// Below this share a run that asked for a placement is flagged. MPOL_BIND gives 100%; the
    /// slack lets MPOL_LOCAL's fallback under memory pressure move a page or two of a sample.
    static let misplacedBelow = 0.99

    init(setup: NUMASetup, job: JobResult, machine: NUMATopology, numaBalancing: NUMABalancing = .unavailable,
         vmstat: VMStatDelta? = nil) {
        self.numaBalancing = numaBalancing.sysctlValue
        self.vmstat = vmstat
        topology = setup.topology.sourceDescription
        placement = setup.options.placement.description
        placementApplied = setup.placementApplied
        bind = setup.binding.policy.rawValue
        bindApplied = setup.bindApplied
        bindReason = setup.bindReason
        workers = job.threads.map { thread in
            Worker(index: thread.index, boundNode: setup.binding.node(forWorker: thread.index),
                   boundCPUs: setup.binding.cpus(forWorker: thread.index).map(CPUList.format),
                   cpu: thread.cpu, node: thread.cpu >= 0 ? machine.node(ofCPU: thread.cpu) : nil)
        }
        pageNodes = job.pageNodes
        // Local and first-touch memory follows the threads that touched it: the nodes they ran on,
        // as the machine numbers them (a simulated topology's numbers describe another machine).
        let ranOn = zip(job.threads, workers).filter { $0.0.pinChunks > 0 }.compactMap { $0.1.node }
        intendedNodes = setup.placement.intendedNodes(on: setup.topology, workerNodes: ranOn)
        if let sample = job.pageNodes, sample.present > 0 {
            shareOnIntended = Double(sample.pages(on: intendedNodes)) / Double(sample.present)
        }
        let asked = setup.options.placement != .firstTouch || setup.binding.policy != .none
        misplaced = asked && !setup.topology.isSimulated && (shareOnIntended.map { $0 < Self.misplacedBelow } ?? false)
    }

    /// "100% of 1024 sampled pages on node 0", for progress lines and tables.
    public var placementSummary: String {
        guard let sample = pageNodes else { return "not sampled" }
        guard let share = shareOnIntended else { return "no sampled page present" }
        let nodes = intendedNodes.map(String.init).joined(separator: ",")
        return "\(formatPercent(share)) of \(sample.present) sampled pages on node"
            + (intendedNodes.count == 1 ? " " : "s ") + (nodes.isEmpty ? "?" : nodes)
    }
}

/// `0.973` -> "97.3%", `1` -> "100%".
func formatPercent(_ value: Double) -> String {
    let tenths = (value * 1000).rounded() / 10
    return tenths == tenths.rounded() ? "\(Int(tenths))%" : "\(tenths)%"
}
