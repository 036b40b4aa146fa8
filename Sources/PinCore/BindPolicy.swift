/// `--bind`: which node's CPUs each pinning thread may run on.
public enum BindPolicy: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// Threads run wherever the scheduler puts them.
    case none
    /// Every thread on the CPUs of the memory's node (QEMU's node-bound ThreadContext); for
    /// memory on a CPU-less node, the nearest node with CPUs.
    case local
    /// Every thread on the CPUs of the nearest other node with CPUs: the remote penalty. For
    /// memory on a CPU-less node, the nearest node with CPUs after the one `local` takes.
    case remote
    /// Worker `i` on the `i`-th node with CPUs, round and round, as padata's NUMA-aware mode
    /// queues its helpers (`next_node_in(last_used_nid, node_states[N_CPU])`).
    case roundrobin
    /// Every thread beside the DMA device the backend maps for: the CPUs of the device's node
    /// (its sysfs `numa_node`), round and round over the devices' nodes when there are several.
    case device

    public var description: String { rawValue }
}
