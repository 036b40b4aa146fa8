#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinSystem

/// Everything a published result needs to say about the machine it was measured on, written as
/// `machine.json` beside every result set and read once per invocation.
///
/// Optional fields that are nil are left out of the JSON (Swift's synthesized `Codable`), as in
/// `RunRecord`: a missing `gitCommit` means unknown, a missing `softLimitBytes` means unlimited.
public struct MachineRecord: Sendable, Codable, Equatable {
    /// The short host name (up to the first dot), to tell result folders apart.
    public var hostname: String
    /// `uname -r`.
    public var kernelRelease: String
    /// The first `model name` of `/proc/cpuinfo`, or `unknown CPU` (arm64 has none).
    public var cpuModel: String
    /// Logical CPUs (hardware threads) online.
    public var onlineCPUs: Int
    /// Distinct (package, core) pairs over the online CPUs.
    public var physicalCores: Int
    /// Distinct packages over the online CPUs.
    public var sockets: Int
    /// CPUs in this process's affinity mask, which a container or `taskset` can make fewer.
    public var allowedCPUs: Int
    /// Every NUMA node, by ascending id.
    public var nodes: [NodeRecord]
    /// `MemTotal` of `/proc/meminfo`.
    public var memoryTotalBytes: Int
    /// `MemAvailable` of `/proc/meminfo` when the record was taken.
    public var memoryAvailableBytes: Int
    /// The selected THP mode (`always`, `madvise`, `never`) or `unavailable`.
    public var thpEnabled: String
    /// The selected THP defrag mode or `unavailable`.
    public var thpDefrag: String
    /// Every system-wide hugetlb pool, smallest page size first.
    public var hugepagePools: [HugepagePoolRecord]
    /// `/proc/sys/kernel/numa_balancing` (`0`, `1`, `2`, ...) or `unavailable`, as
    /// `NUMABalancing.sysctlValue`: automatic NUMA balancing migrates pages behind a benchmark's
    /// back, so node-local results depend on it.
    public var numaBalancing: String
    /// `RLIMIT_MEMLOCK` and `CAP_IPC_LOCK`, which decide whether mlock and long-term pins may run.
    public var memlock: MemlockRecord
    /// Whether the effective user is root.
    public var isRoot: Bool
    /// The pinbench version that took the record.
    public var pinbenchVersion: String
    /// The source commit of that pinbench, `-dirty` when it had uncommitted changes; nil if unknown.
    public var gitCommit: String?
    /// When the record was taken, ISO 8601 in UTC (`2025-01-31T12:00:00Z`).
    public var collectedAt: String
    /// Whether the CPU says it runs under a hypervisor (`hypervisor` in /proc/cpuinfo). In a VM,
    /// memory the guest frees may be handed back to the host and fault there again on next use.
    /// Optional, as are the two below, so sets recorded before they existed still read.
    public var virtualized: Bool?
    /// `page_reporting_order` when the kernel has free page reporting: free blocks of this
    /// order are reported to the hypervisor, which drops them; touching them again is slow.
    /// The kernel shows -1 until a device (virtio-balloon) registers, that is while nothing is
    /// reported: see `hasFreePageReporting`.
    public var freePageReportingOrder: Int?
    /// `/proc/cmdline`: hugepages=, isolcpus=, mitigations= and the like change results.
    public var kernelCommandLine: String?
    /// How the CPU is emulated when it is: `tcg` inside the PinBench lab (QEMU's software
    /// emulation, marked by `pinbench.lab=tcg` on the guest's command line). Timings taken
    /// there show behaviour, never a machine's speed; nil on real or hardware-virtualized CPUs.
    public var emulation: String?

    /// One NUMA node.
    public struct NodeRecord: Sendable, Codable, Equatable {
        /// The node number; numbers can have gaps.
        public var id: Int
        /// The kernel's cpulist text (`0-7,16-23`); empty for a CPU-less node.
        public var cpuList: String
        /// The CPUs of `cpuList`.
        public var cpus: [Int]
        /// Memory on the node; 0 for a memoryless node.
        public var memTotalBytes: Int
        /// Free memory on the node when the record was taken.
        public var memFreeBytes: Int
        /// Distance to every node, in the order of `MachineRecord.nodes`.
        public var distances: [Int]
        /// This node's share of each hugetlb pool (`reserved` is nil: the kernel counts
        /// reservations only system-wide).
        public var hugepagePools: [HugepagePoolRecord]

        /// Creates a record from what sysfs said.
        public init(_ node: NodeInfo) {
            self.id = node.id
            self.cpuList = node.cpuList
            self.cpus = node.cpus
            self.memTotalBytes = node.memTotalBytes
            self.memFreeBytes = node.memFreeBytes
            self.distances = node.distances
            self.hugepagePools = node.hugepagePools.map { HugepagePoolRecord($0, reserved: nil) }
        }
    }

    /// One hugetlb pool, in pages of `pageSizeBytes`.
    public struct HugepagePoolRecord: Sendable, Codable, Equatable {
        public var pageSizeBytes: Int
        /// `nr_hugepages`.
        public var total: Int
        /// `free_hugepages`, reserved pages included.
        public var free: Int
        /// `resv_hugepages`: free pages already promised to mappings; nil where not reported.
        public var reserved: Int?
        /// `surplus_hugepages`: pages above `nr_hugepages` taken from overcommit.
        public var surplus: Int

        /// Creates a record of `pool`, with `reserved` given apart because per-node pools have none.
        public init(_ pool: HugepagePool, reserved: Int?) {
            self.pageSizeBytes = pool.pageSize
            self.total = pool.total
            self.free = pool.free
            self.reserved = reserved
            self.surplus = pool.surplus
        }
    }

    /// The locked-memory limit as the kernel applies it to this process.
    public struct MemlockRecord: Sendable, Codable, Equatable {
        /// `MemlockLimit.description` (`unlimited`, `8M (bypassed: CAP_IPC_LOCK)`).
        public var description: String
        /// The soft `RLIMIT_MEMLOCK` in bytes; nil (left out of the JSON) when unlimited.
        public var softLimitBytes: Int?
        /// Whether `CAP_IPC_LOCK` is effective, so that the limit does not apply.
        public var ipcLockBypass: Bool

        /// Creates a record of `limit`.
        public init(_ limit: MemlockLimit) {
            self.description = limit.description
            self.softLimitBytes = limit.softBytes
            self.ipcLockBypass = limit.hasIPCLock
        }
    }

    /// Reads the record of this machine now. `version` and `gitCommit` come from the caller
    /// because only the executable knows what it was built from.
    public static func current(version: String, gitCommit: String?) -> MachineRecord {
        let online = NodeInfo.onlineCPUs()
        let topology = topology(of: online)
        let memory = (try? MemoryInfo.current()) ?? MemoryInfo(totalBytes: 0, availableBytes: 0)
        let pools = NodeInfo.hugepagePools(under: "/sys/kernel/mm/hugepages")
            .map { HugepagePoolRecord($0, reserved: $0.reserved) }
        let commandLine = (try? ProcFile.read("/proc/cmdline"))?.trimmingWhitespace()
        return MachineRecord(
            hostname: hostname(), kernelRelease: kernelRelease(), cpuModel: cpuModel(),
            onlineCPUs: online.count, physicalCores: topology.cores, sockets: topology.sockets,
            allowedCPUs: CPUSet.allowed().count, nodes: NodeInfo.readAll().map(NodeRecord.init),
            memoryTotalBytes: memory.totalBytes, memoryAvailableBytes: memory.availableBytes,
            thpEnabled: selected("/sys/kernel/mm/transparent_hugepage/enabled"),
            thpDefrag: selected("/sys/kernel/mm/transparent_hugepage/defrag"),
            hugepagePools: pools, numaBalancing: NUMABalancing.current().sysctlValue,
            memlock: MemlockRecord(MemlockLimit.current()), isRoot: geteuid() == 0,
            pinbenchVersion: version, gitCommit: gitCommit, collectedAt: isoTimestamp(),
            virtualized: readVirtualized(),
            freePageReportingOrder: readFreePageReportingOrder(),
            kernelCommandLine: commandLine,
            emulation: commandLine.flatMap(emulation(commandLine:)))
    }

    /// The `hypervisor` flag of /proc/cpuinfo (nil where it cannot be read).
    static func readVirtualized() -> Bool? {
        (try? ProcFile.read("/proc/cpuinfo")).map { cpuinfo in
            cpuinfo.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.split(separator: " ").contains("hypervisor") }
        }
    }

    static func readFreePageReportingOrder() -> Int? {
        ProcFile.readInt("/sys/module/page_reporting/parameters/page_reporting_order")
    }

    /// What `HostWarm` decides from, read as machine.json reads it.
    static func hostFacts() -> (virtualized: Bool, freePageReporting: Bool) {
        (readVirtualized() ?? false, (readFreePageReportingOrder() ?? -1) >= 0)
    }

    /// Whether freed memory is really reported to the hypervisor (an order of -1 means no
    /// reporting device has registered).
    public var hasFreePageReporting: Bool { (freePageReportingOrder ?? -1) >= 0 }

    /// The lab's mark on a kernel command line: `pinbench.lab=<emulation>` (the kernel passes
    /// unknown dotted parameters by, so it costs the guest nothing).
    static func emulation(commandLine: String) -> String? {
        commandLine.split(separator: " ").lazy
            .first { $0.hasPrefix("pinbench.lab=") }
            .map { String($0.dropFirst("pinbench.lab=".count)) }
            .flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Physical cores and sockets: distinct (package, core) pairs and distinct packages over
    /// `cpus`. `core_id` is only unique within a package, hence the pairs. If any CPU's topology
    /// is unreadable (some VMs and containers), every CPU counts as a core on one socket.
    static func topology(of cpus: [Int], root: String = "/sys/devices/system/cpu") -> (cores: Int, sockets: Int) {
        var cores = Set<[Int]>()
        var packages = Set<Int>()
        for cpu in cpus {
            guard let package = ProcFile.readInt("\(root)/cpu\(cpu)/topology/physical_package_id"),
                  let core = ProcFile.readInt("\(root)/cpu\(cpu)/topology/core_id")
            else { return (max(cpus.count, 1), 1) }
            cores.insert([package, core])
            packages.insert(package)
        }
        return cores.isEmpty ? (1, 1) : (cores.count, packages.count)
    }

    /// `gethostname` up to the first dot.
    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(separator: ".").first.map(String.init) ?? "unknown"
    }

    /// `uname -r`.
    static func kernelRelease() -> String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// The first `model name` line of `/proc/cpuinfo`.
    static func cpuModel() -> String {
        let cpuinfo = (try? ProcFile.read("/proc/cpuinfo")) ?? ""
        return cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingWhitespace() } } ?? "unknown CPU"
    }

    /// The bracketed choice of a sysfs multiple-choice file (`always [madvise] never`).
    static func selected(_ path: String) -> String {
        guard let text = try? ProcFile.read(path) else { return "unavailable" }
        guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close else {
            return text.trimmingWhitespace()
        }
        return String(text[text.index(after: open)..<close])
    }

    /// `seconds` since the epoch as ISO 8601 in UTC, with `gmtime_r` so PinHarness needs no Foundation.
    static func isoTimestamp(_ seconds: Int = time(nil)) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&clock, &parts) != nil else { return "unknown" }
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(width - digits.count, 0)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))"
            + "T\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
    }

    /// One line for a table header.
    public var oneLine: String {
        let pools = hugepagePools.map { "\(ByteSize($0.pageSizeBytes)) \($0.free)/\($0.total) free" }
            .joined(separator: ", ")
        let nodeCount = nodes.count
        return "\(hostname): Linux \(kernelRelease), \(cpuModel), "
            + "\(physicalCores) cores/\(onlineCPUs) threads"
            + (sockets == 1 ? "" : " on \(sockets) sockets")
            + ", \(nodeCount) NUMA node" + (nodeCount == 1 ? "" : "s")
            + ", \(ByteSize(memoryTotalBytes).humanReadable) RAM, "
            + "THP \(thpEnabled)/\(thpDefrag), hugetlb \(pools.isEmpty ? "none" : pools), "
            + "memlock \(memlock.description)"
            + (virtualized == true ? ", virtual machine" : "")
            + (virtualized == true && hasFreePageReporting ? " with free page reporting" : "")
            + (emulation.map { ", EMULATED (\($0.uppercased()), PinBench lab): timings are not publishable" } ?? "")
    }
}
