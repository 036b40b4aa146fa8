import PinCore
import PinSystem

/// `NUMAOptions` resolved against a topology once per experiment: which topology, where the
/// threads go, and whether memory and threads are really bound or only simulated.
public struct NUMASetup: Sendable {
    public let options: NUMAOptions
    public let topology: NUMATopology
    public let binding: ThreadBinding
    /// The node `local` and `remote` binding is relative to.
    public let homeNode: Int?
    /// Whether `mbind` is called on each region (a placement was asked on the real topology).
    public var bindsMemoryForReal: Bool { options.placement.bindsMemory && !topology.isSimulated }

    /// Resolves `options`; `machine` is read when needed (tests pass fixtures).
    public init(_ options: NUMAOptions, machine: @autoclosure () -> MachineTopology = MachineTopology.current()) throws(HarnessError) {
        self.options = options
        topology = try options.topology.map(Self.simulatedTopology) ?? machine().topology
        do {
            try options.placement.validate(on: topology)
        } catch {
            throw .invalidInput(error.description)
        }
        homeNode = Self.homeNode(for: options.placement, on: topology)
        do {
            binding = try ThreadBinding.assign(options.bind, on: topology, homeNode: homeNode)
        } catch {
            throw .invalidInput(error.description)
        }
        if !binding.simulated { try Self.checkAllowed(binding) }
    }

    /// The `--topology` shape `spec`, sharing out this machine's memory among its nodes.
    public static func simulatedTopology(_ spec: String) throws(HarnessError) -> NUMATopology {
        let memory = try? MemoryInfo.current()
        do {
            return try NUMATopology.simulated(
                spec, totalMemoryBytes: memory?.totalBytes ?? 0, freeMemoryBytes: memory?.availableBytes ?? 0)
        } catch {
            throw .invalidInput(error.description)
        }
    }

    /// `--node n` is its own home; interleaved memory has none; first-touch and `local` memory
    /// follows the threads, so the home is the lowest node with both CPUs and memory: fixed,
    /// so that a script gets the same binding on every run.
    static func homeNode(for placement: MemoryPlacement, on topology: NUMATopology) -> Int? {
        switch placement {
        case .node(let id): return id
        case .interleave: return nil
        case .firstTouch, .local:
            return topology.nodes.first { !$0.cpus.isEmpty && $0.memoryBytes > 0 }?.id ?? topology.nodesWithCPUs.first?.id
        }
    }

    /// A real binding to CPUs this process may not use (taskset, a cpuset) would fail in the
    /// middle of a run: say so before.
    static func checkAllowed(_ binding: ThreadBinding) throws(HarnessError) {
        let allowed = Set(CPUSet.allowed())
        for entry in binding.rotation where !entry.cpus.contains(where: allowed.contains) {
            throw .unavailable(
                "--bind \(binding.policy) puts threads on node \(entry.node) (CPUs \(CPUList.format(entry.cpus))), but this "
                    + "process may only use CPUs \(CPUList.format(allowed.sorted())) (taskset or a cpuset): widen the CPU set")
        }
    }

    /// What a user should hear before a run of `size` bytes: MPOL_BIND to a node with less free
    /// memory reclaims or swaps, and past the node's total invokes the OOM killer. A warning
    /// rather than a refusal: some VMs grow a node's memory as it is used (here node 0's
    /// MemTotal grew from 10 to 18 GiB during a 12 GiB bound run).
    public func warnings(size: ByteSize) -> [String] {
        guard bindsMemoryForReal, case .node(let id) = options.placement, let node = topology.node(id),
              size.bytes > node.freeBytes else { return [] }
        return ["--node \(id): the node has \(ByteSize(node.freeBytes).humanReadable) free of \(ByteSize(node.memoryBytes).humanReadable); "
                + "binding \(size.humanReadable) there reclaims page cache or swaps, and past its total the OOM killer runs"]
    }

    /// The nodes `interleave` spreads over.
    public var memoryNodes: [Int] { topology.nodesWithMemory.map(\.id) }

    /// What `mbind` did to each region, in words for records and tables.
    public var placementApplied: String {
        switch options.placement {
        case .firstTouch: return "none (first touch)"
        case _ where topology.isSimulated: return "simulated: not bound on this machine"
        case .node(let id): return "mbind MPOL_BIND node \(id)"
        case .interleave: return "mbind MPOL_INTERLEAVE nodes \(memoryNodes.map(String.init).joined(separator: ","))"
        case .local: return "mbind MPOL_LOCAL"
        }
    }

    /// What thread binding did, in words.
    public var bindApplied: String {
        if binding.policy == .none { return "none" }
        return binding.simulated ? "simulated: threads not bound on this machine" : "bound"
    }
}
