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
    /// `options.placement` with `device` resolved to the device's node: what `mbind` is given.
    public let placement: MemoryPlacement
    /// The devices `--bind device` and `--node device` follow, with their nodes; empty unless asked.
    public let devices: [DMADevice]
    /// Whether `mbind` is called on each region (a placement was asked on the real topology).
    public var bindsMemoryForReal: Bool { placement.bindsMemory && !topology.isSimulated }

    /// Resolves `options`; `machine` is read when needed (tests pass fixtures). `devices` are the
    /// backend's DMA devices, read under `sysfs` only when `device` is asked of `--bind` or `--node`.
    public init(_ options: NUMAOptions, machine: @autoclosure () -> MachineTopology = MachineTopology.current(),
                devices references: [DMADevice.Reference] = [], sysfs: String = "/sys") throws(HarnessError) {
        self.options = options
        topology = try options.topology.map(Self.simulatedTopology) ?? machine().topology
        let devices = try Self.devices(for: options, references: references, simulated: topology.isSimulated, sysfs: sysfs)
        self.devices = devices
        placement = try Self.resolve(options.placement, devices: devices)
        do {
            try placement.validate(on: topology)
        } catch {
            throw .invalidInput(error.description)
        }
        homeNode = Self.homeNode(for: placement, on: topology)
        do {
            binding = try ThreadBinding.assign(options.bind, on: topology, homeNode: homeNode,
                                               deviceNodes: devices.compactMap(\.node))
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

    /// The backend's devices when `device` is asked of `--bind` or `--node`, each with a node;
    /// none otherwise (sysfs is not read).
    static func devices(for options: NUMAOptions, references: [DMADevice.Reference], simulated: Bool,
                        sysfs: String) throws(HarnessError) -> [DMADevice] {
        let asked = [options.bind == .device ? "--bind device" : nil, options.placement == .device ? "--node device" : nil].compactMap { $0 }
        guard let what = asked.first else { return [] }
        guard !simulated else {
            throw .invalidInput("\(asked.joined(separator: " and ")) follows a real device's node, and --topology plans for "
                                + "another machine: drop one of them")
        }
        guard !references.isEmpty else {
            throw .invalidInput("\(what) follows the DMA device the backend maps for, and these options name none: use "
                                + "--backend vfio with --vfio type1:<group> or iommufd:<device>, or --backend kmod with --map-device")
        }
        var devices: [DMADevice] = []
        for reference in references {
            do {
                devices += try DMADevice.resolve(reference, sysfs: sysfs)
            } catch {
                throw .unavailable("\(what): finding the node of \(reference): \(error)")
            }
        }
        if let silent = devices.first(where: { $0.node == nil }) {
            throw .unavailable("\(what): \(silent.address) reports no NUMA node (its sysfs numa_node is -1: a device on a "
                               + "root bus without _PXM, or a one-node machine): bind with --bind local or --node N instead")
        }
        return devices
    }

    /// `device` becomes the devices' one node; devices on several nodes have no single one.
    static func resolve(_ placement: MemoryPlacement, devices: [DMADevice]) throws(HarnessError) -> MemoryPlacement {
        guard placement == .device else { return placement }
        let nodes = Array(Set(devices.compactMap(\.node))).sorted()
        guard nodes.count == 1 else {
            throw .invalidInput("--node device: the devices are on nodes \(nodes.map(String.init).joined(separator: " and ")), "
                                + "so their memory has no single node: name one with --node N")
        }
        return .node(nodes[0])
    }

    /// `--node n` is its own home; interleaved memory has none; first-touch and `local` memory
    /// follows the threads, so the home is the lowest node with both CPUs and memory: fixed,
    /// so that a script gets the same binding on every run.
    static func homeNode(for placement: MemoryPlacement, on topology: NUMATopology) -> Int? {
        switch placement {
        case .node(let id): return id
        case .interleave, .device: return nil
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
        guard bindsMemoryForReal, case .node(let id) = placement, let node = topology.node(id),
              size.bytes > node.freeBytes else { return [] }
        return ["--node \(id): the node has \(ByteSize(node.freeBytes).humanReadable) free of \(ByteSize(node.memoryBytes).humanReadable); "
                + "binding \(size.humanReadable) there reclaims page cache or swaps, and past its total the OOM killer runs"]
    }

    /// The nodes `interleave` spreads over.
    public var memoryNodes: [Int] { topology.nodesWithMemory.map(\.id) }

    /// What `mbind` did to each region, in words for records and tables.
    public var placementApplied: String {
        switch placement {
        case .firstTouch: return "none (first touch)"
        case _ where topology.isSimulated: return "simulated: not bound on this machine"
        case .node(let id) where options.placement == .device:
            return "mbind MPOL_BIND node \(id), the node of " + devices.map(\.address).joined(separator: ", ")
        case .node(let id): return "mbind MPOL_BIND node \(id)"
        case .interleave: return "mbind MPOL_INTERLEAVE nodes \(memoryNodes.map(String.init).joined(separator: ","))"
        case .local: return "mbind MPOL_LOCAL"
        case .device: return "unresolved"
        }
    }

    /// What thread binding did, in words.
    public var bindApplied: String {
        if binding.policy == .none { return "none" }
        return binding.simulated ? "simulated: threads not bound on this machine" : "bound"
    }

    /// Where the threads run and why, when the policy's plain reading does not say it: the
    /// devices' nodes for `device`, and each CPU-less node replaced by its nearest node with
    /// CPUs (a tie said). Nil when there is nothing to explain.
    public var bindReason: String? {
        var parts: [String] = []
        if binding.policy == .device {
            parts.append("beside " + devices.map(\.description).joined(separator: ", "))
        }
        parts += binding.substitutions.map(\.description)
        if binding.policy == .remote, !binding.substitutions.isEmpty, let node = binding.rotation.first?.node {
            parts.append("remote is the next nearest, node \(node)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
