import ArgumentParser
import PinCore
import PinHarness

/// `--node`, `--bind` and `--topology`, shared by `run`, `sweep` and `plan`.
struct NUMAOptionGroup: ParsableArguments {
    @Option(parsing: .unconditional,
            help: "Memory placement, set with mbind before the first touch and checked with move_pages after the pin phase: a node number (\(OptionRange.node.rangeText)), interleave, local, device (MPOL_BIND to the node of the backend's VFIO device or --map-device, from its sysfs numa_node), or first-touch (default: first-touch, no policy).",
            transform: parsePlacement)
    var node: MemoryPlacement?

    @Option(help: "Thread binding: none, local (CPUs of the memory's node; for a CPU-less node, the nearest node with CPUs, a tie going to the lower id and said), remote (the nearest other node's CPUs), roundrobin (over nodes with CPUs, as padata's NUMA-aware mode), device (CPUs of the node of the backend's VFIO device or --map-device, from its sysfs numa_node; round and round over several devices' nodes). The kernel strategy's helpers honour it; records and tables say where threads ran and why. Default: none.",
            transform: { try parseChoice($0, "bind policy") as BindPolicy })
    var bind: BindPolicy?

    @Option(help: "Plan and bind for a simulated topology instead of this machine's: 2x8 (2 nodes of 8 CPUs) or \"0:0-7,1:8-15\". Nothing is bound for real on a simulated topology; records say so.")
    var topology: String?

    var options: NUMAOptions {
        NUMAOptions(placement: node ?? .firstTouch, bind: bind ?? .none, topology: topology)
    }

    /// Whether any NUMA option was given.
    var given: Bool { node != nil || bind != nil || topology != nil }

    /// The options as given (for `--resume`'s refusal list).
    var arguments: [String] {
        var arguments: [String] = []
        if let node { arguments += ["--node", node.description] }
        if let bind { arguments += ["--bind", bind.rawValue] }
        if let topology { arguments += ["--topology", topology] }
        return arguments
    }
}

func parsePlacement(_ text: String) throws -> MemoryPlacement {
    let placement: MemoryPlacement
    do { placement = try MemoryPlacement.parse(text) } catch { throw ValidationError(error.description) }
    if case .node(let id) = placement { try OptionRange.node.checkInTransform(id) }
    return placement
}
