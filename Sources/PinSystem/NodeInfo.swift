#if canImport(Glibc)
import Glibc
#endif
import PinCore

/// One NUMA node as sysfs describes it (`/sys/devices/system/node/nodeN`).
///
/// Read from sysfs rather than libnuma so that tests can point the reader at fixture folders,
/// and so that a machine record shows exactly what the kernel said.
public struct NodeInfo: Sendable, Equatable {
    /// The node number (`N` in `nodeN`); numbers can have gaps (node0, node2).
    public var id: Int
    /// The kernel's `cpulist` text as it wrote it (`0-7,16-23`); empty for a CPU-less node.
    public var cpuList: String
    /// `cpuList` parsed, in the kernel's (ascending) order.
    public var cpus: [Int]
    /// `Node N MemTotal` in bytes; 0 for a memoryless node.
    public var memTotalBytes: Int
    /// `Node N MemFree` in bytes.
    public var memFreeBytes: Int
    /// The SLIT distance to every node, in the order of node ids (the kernel writes one entry
    /// per online node, ascending), so `distances[i]` is the distance to `readAll()[i]`.
    public var distances: [Int]
    /// This node's share of each hugetlb pool, smallest page size first. `reserved` is always 0:
    /// the kernel keeps hugetlb reservations only system-wide (`resv_hugepages`), not per node.
    public var hugepagePools: [HugepagePool]

    /// Creates a node from values already read.
    public init(id: Int, cpuList: String, cpus: [Int], memTotalBytes: Int, memFreeBytes: Int,
                distances: [Int], hugepagePools: [HugepagePool]) {
        self.id = id
        self.cpuList = cpuList
        self.cpus = cpus
        self.memTotalBytes = memTotalBytes
        self.memFreeBytes = memFreeBytes
        self.distances = distances
        self.hugepagePools = hugepagePools
    }

    /// Every node under `root`, by ascending id. Without a node folder (a kernel built without
    /// NUMA) the machine is one node 0 holding every online CPU and all of `/proc/meminfo`.
    public static func readAll(root: String = "/sys/devices/system/node") -> [NodeInfo] {
        guard let entries = ProcFile.listDirectory(root) else { return [wholeMachine()] }
        let ids = entries.compactMap(nodeNumber).sorted()
        // A node folder with no nodeN entries is as good as none: still describe the machine.
        guard !ids.isEmpty else { return [wholeMachine()] }
        return ids.map { read(id: $0, directory: "\(root)/node\($0)") }
    }

    /// Reads one `nodeN` folder; missing files read as empty or zero, since a partly readable
    /// node is still worth recording.
    static func read(id: Int, directory: String) -> NodeInfo {
        let cpuList = ((try? ProcFile.read("\(directory)/cpulist")) ?? "").trimmingWhitespace()
        // meminfo keys carry the node number ("Node 2 MemTotal"), so look them up with it.
        let memory = ProcFile.parseKilobyteFields((try? ProcFile.read("\(directory)/meminfo")) ?? "")
        let distances = ((try? ProcFile.read("\(directory)/distance")) ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).compactMap { Int($0) }
        return NodeInfo(
            id: id, cpuList: cpuList, cpus: CPUList.parse(cpuList) ?? [],
            memTotalBytes: memory["Node \(id) MemTotal"] ?? 0, memFreeBytes: memory["Node \(id) MemFree"] ?? 0,
            distances: distances, hugepagePools: hugepagePools(under: "\(directory)/hugepages"))
    }

    /// The single node of a machine whose kernel has no NUMA folder.
    static func wholeMachine() -> NodeInfo {
        let cpus = onlineCPUs()
        let memory = ProcFile.parseKilobyteFields((try? ProcFile.read("/proc/meminfo")) ?? "")
        return NodeInfo(
            id: 0, cpuList: CPUList.format(cpus), cpus: cpus, memTotalBytes: memory["MemTotal"] ?? 0,
            memFreeBytes: memory["MemFree"] ?? 0, distances: [NUMATopology.localDistance],
            hugepagePools: hugepagePools(under: "/sys/kernel/mm/hugepages"))
    }

    /// Every hugetlb pool in a `hugepages` folder (system-wide `/sys/kernel/mm/hugepages` or a
    /// node's `nodeN/hugepages`), smallest page size first. The folder is listed rather than
    /// probed for 2 MiB and 1 GiB, because arm64 and others have more sizes (64K, 32M, 16G).
    public static func hugepagePools(under directory: String) -> [HugepagePool] {
        guard let entries = ProcFile.listDirectory(directory) else { return [] }
        return entries.compactMap(poolPageSize).sorted()
            .compactMap { HugepagePool.read(pageSize: $0, root: directory) }
    }

    /// The CPUs online now (`/sys/devices/system/cpu/online`), ascending; if that file is
    /// unreadable, the first `sysconf(_SC_NPROCESSORS_ONLN)` CPU numbers.
    public static func onlineCPUs(path: String = "/sys/devices/system/cpu/online") -> [Int] {
        if let text = try? ProcFile.read(path), let cpus = CPUList.parse(text), !cpus.isEmpty { return cpus }
        return Array(0..<max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1))
    }

    /// `node12` -> 12; other entries of the node folder (`online`, `possible`, `power`) -> nil.
    private static func nodeNumber(_ name: String) -> Int? {
        guard name.hasPrefix("node") else { return nil }
        let digits = name.dropFirst("node".count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// `hugepages-2048kB` -> 2 MiB in bytes; anything else -> nil.
    private static func poolPageSize(_ name: String) -> Int? {
        guard name.hasPrefix("hugepages-"), name.hasSuffix("kB") else { return nil }
        let digits = name.dropFirst("hugepages-".count).dropLast("kB".count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let kilobytes = Int(digits)
        else { return nil }
        return kilobytes * 1024
    }
}
