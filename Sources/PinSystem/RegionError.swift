import PinCore

/// Why a region could not be mapped: each case says what to do about it.
public enum RegionError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSize(PlanError)
    case noHugepagePool(kind: MemoryKind)
    case hugepagePoolTooSmall(kind: MemoryKind, needed: Int, pool: HugepagePool)
    case notEnoughMemory(size: ByteSize, memory: MemoryInfo)
    case simulatedOnly(kind: MemoryKind)
    /// A hugetlbfs kind with no hugetlbfs of its page size known to libhugetlbfs.
    /// `mountedSinceStart` is a mount `/proc/mounts` shows now that libhugetlbfs did not find
    /// at process start (mounted since, or not usable by this user).
    case noHugetlbfsMount(kind: MemoryKind, mountedSinceStart: String?)
    case system(SystemError)

    public var description: String {
        switch self {
        case .invalidSize(let error):
            return error.description
        case .noHugepagePool(let kind):
            return "\(kind) needs \(kind.pageSize.size) huge pages, but this kernel has no such hugetlb pool "
                + "(\(HugepagePool.directory(pageSize: kind.pageSize.bytes)) is missing)"
        case .hugepagePoolTooSmall(let kind, let needed, let pool):
            let missing = needed - pool.available
            return "\(kind) needs \(needed) free \(ByteSize(pool.pageSize)) pages, but the pool has "
                + "\(pool.available) available (\(pool.total) total, \(pool.free) free, \(pool.reserved) reserved). "
                + "Reserve them with:\n    \(pool.reserveCommand(forAdditional: missing))"
        case .notEnoughMemory(let size, let memory):
            return "\(size.humanReadable) is more than this machine can give: MemAvailable is "
                + "\(ByteSize(memory.availableBytes).humanReadable), and PinBench keeps "
                + "\(ByteSize(memory.marginBytes).humanReadable) free, leaving "
                + "\(ByteSize(memory.usableBytes).humanReadable). Use a smaller --size."
        case .simulatedOnly(let kind):
            return "\(kind) is a folio layout of the simulated backend: run it with --backend foliosim. "
                + "Real mTHP depends on machine-wide switches (/sys/kernel/mm/transparent_hugepage/hugepages-"
                + "\(kind.folioSize.bytes >> 10)kB/enabled) that also change what thp gets; measure real folios with --memory thp"
        case .noHugetlbfsMount(let kind, let mountedSinceStart):
            let size = kind.pageSize.size
            if let path = mountedSinceStart {
                return "\(kind) needs a hugetlbfs with \(size) pages: one is mounted at \(path) now, but libhugetlbfs "
                    + "did not find it when pinbench started (it reads the mounts only at start): it was mounted since, "
                    + "or this user cannot write to it. Run pinbench again, with write access to \(path)"
            }
            return "\(kind) maps a file on a hugetlbfs with \(size) pages, and none is mounted. Mount one (root) with:\n"
                + "    \(HugetlbfsMount.mountCommand(pageSize: kind.pageSize.bytes))\n"
                + "libhugetlbfs finds mounts when pinbench starts: a hugetlbfs mounted while pinbench runs is not seen "
                + "until its next start"
        case .system(let error):
            return error.description
        }
    }
}
