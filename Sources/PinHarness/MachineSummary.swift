#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore
import PinSystem

/// The facts about this machine that change results, read once per invocation.
public struct MachineSummary: Sendable, Codable, Equatable {
    public var kernelRelease: String
    public var cpuModel: String
    public var onlineCPUs: Int
    public var allowedCPUs: Int
    public var numaNodes: Int
    public var memoryTotalBytes: Int
    public var memoryAvailableBytes: Int
    public var thpEnabled: String
    public var thpDefrag: String
    /// Per pool: page size in bytes -> (total, free).
    public var hugepagePools: [HugepagePoolSummary]
    public var memlockLimit: String
    public var isRoot: Bool

    public struct HugepagePoolSummary: Sendable, Codable, Equatable {
        public var pageSizeBytes: Int
        public var total: Int
        public var free: Int
    }

    public static func current() -> MachineSummary {
        var names = utsname()
        uname(&names)
        let release = withUnsafeBytes(of: &names.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let cpuinfo = (try? ProcFile.read("/proc/cpuinfo")) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingWhitespace() } } ?? "unknown CPU"
        let memory = (try? MemoryInfo.current()) ?? MemoryInfo(totalBytes: 0, availableBytes: 0)
        let pools = [PageSize.pmd, PageSize.pud].compactMap { HugepagePool.read(pageSize: $0.bytes) }
            .map { HugepagePoolSummary(pageSizeBytes: $0.pageSize, total: $0.total, free: $0.free) }
        return MachineSummary(
            kernelRelease: release, cpuModel: model, onlineCPUs: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            allowedCPUs: CPUSet.allowed().count, numaNodes: Int(cpinsys_numa_configured_nodes()),
            memoryTotalBytes: memory.totalBytes, memoryAvailableBytes: memory.availableBytes,
            thpEnabled: selected("/sys/kernel/mm/transparent_hugepage/enabled"),
            thpDefrag: selected("/sys/kernel/mm/transparent_hugepage/defrag"),
            hugepagePools: pools, memlockLimit: MemlockLimit.current().description, isRoot: geteuid() == 0)
    }

    /// The bracketed choice of a sysfs multiple-choice file (`always [madvise] never`).
    static func selected(_ path: String) -> String {
        guard let text = try? ProcFile.read(path) else { return "unavailable" }
        guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close else {
            return text.trimmingWhitespace()
        }
        return String(text[text.index(after: open)..<close])
    }

    /// One line for a table header.
    public var oneLine: String {
        let pools = hugepagePools.map { "\(ByteSize($0.pageSizeBytes)) \($0.free)/\($0.total) free" }
            .joined(separator: ", ")
        return "Linux \(kernelRelease), \(cpuModel), \(onlineCPUs) CPUs, \(numaNodes) NUMA node"
            + (numaNodes == 1 ? "" : "s") + ", \(ByteSize(memoryTotalBytes).humanReadable) RAM, "
            + "THP \(thpEnabled)/\(thpDefrag), hugetlb \(pools.isEmpty ? "none" : pools), "
            + "memlock \(memlockLimit)"
    }
}
