import PinContract
import PinCore
import PinSystem

/// A VFIO-style DMA mapper: maps `length` bytes at user address `vaddr` to `iova` (pinning
/// every page long-term), and unmaps by `iova` and length. Implementations: the io_uring
/// shim, a real type1 container, a real iommufd IOAS. Calls may come from several threads.
public protocol DMAMapper: AnyObject, Sendable {
    /// What maps, in one line ("shim (io_uring fixed buffers)", "type1 /dev/vfio/12").
    var name: String { get }
    /// The most mappings the container holds (`dma_entry_limit`).
    var entryLimit: Int { get }
    /// The container lock in effect while a map call pins.
    var containerLock: VFIOOptions.ContainerLock { get }
    /// Whether one map call's pinning can be split across threads (`mapSplit`): only the
    /// shim can, as the RFC did inside `VFIO_IOMMU_MAP_DMA`; a real kernel pins a call on its caller.
    var splitsMapCalls: Bool { get }

    /// Where the backend puts a region's first byte in IOVA space (the mock domain's aperture
    /// starts at 16 MiB; everything else maps from `VFIOBackend.iovaBase`).
    var iovaBase: UInt64 { get }

    /// Whether a map pins the region's file (`IOMMU_IOAS_MAP_FILE`) rather than its addresses:
    /// such a mapper takes only regions of a shared kind (memfd, hugetlbfs).
    var mapsFiles: Bool { get }

    /// One map call, pinned on the calling thread.
    func map(vaddr: Int, length: Int, iova: UInt64) throws(SystemError)

    /// One map call of `length` bytes `offset` bytes into `region`: by address, or by the
    /// region's file where the mapper maps files (the file is mapped from offset 0, so the
    /// file offset is `offset`).
    func map(_ region: Region, offset: Int, length: Int, iova: UInt64) throws(SystemError)

    /// One unmap call: `[iova, iova + length)` must hold whole mappings.
    func unmap(iova: UInt64, length: Int) throws(SystemError)

    /// One map call whose pinning is handed to `split`, which must call the given work for
    /// every chunk of `[0, length)` (offsets from `vaddr`) on up to `workers` threads and
    /// return when all are done.
    func mapSplit(vaddr: Int, length: Int, iova: UInt64, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError)

    /// One unmap call whose unpinning is split the same way.
    func unmapSplit(iova: UInt64, length: Int, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError)

    /// Mappings held now, by the mapper's own table.
    var entryCount: Int { get }

    /// Counters since the last `takeStatistics` (which resets them).
    func takeStatistics() -> DMAMapperStatistics

    /// What the mapper's own accounting and the kernel should show while `bytes` are mapped
    /// from `region`, checked against `/proc/self/status` (`baseline` from before the map).
    func verifyMapped(_ region: Region, baseline: ProcStatus) -> Verification

    /// What should be left once everything is unmapped.
    func verifyUnmapped(_ region: Region, baseline: ProcStatus) -> Verification
}

extension DMAMapper {
    public var splitsMapCalls: Bool { false }
    public var mapsFiles: Bool { false }
    public var iovaBase: UInt64 { VFIOBackend.iovaBase }

    public func map(_ region: Region, offset: Int, length: Int, iova: UInt64) throws(SystemError) {
        try map(vaddr: region.address + offset, length: length, iova: iova)
    }

    public func mapSplit(vaddr: Int, length: Int, iova: UInt64, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError) {
        throw SystemError("\(name): splitting one map call across threads", errno: 95 /* EOPNOTSUPP */,
                          hint: "a real kernel pins one MAP_DMA on its caller; use --vfio shim for the kernel strategy")
    }

    public func unmapSplit(iova: UInt64, length: Int, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError) {
        throw SystemError("\(name): splitting one unmap call across threads", errno: 95 /* EOPNOTSUPP */,
                          hint: "use --vfio shim for the kernel strategy")
    }
}

/// What a mapper did over a run, for the run record.
public struct DMAMapperStatistics: Sendable, Equatable, Codable {
    public var mapCalls = 0
    public var unmapCalls = 0
    /// The most IOVA table entries held at once.
    public var peakEntries = 0
    /// Rings (shim) holding the pins at the peak.
    public var rings = 0
    /// Updates of the `locked_vm` counter (each one lock and one `mmap_lock` write cycle).
    public var lockedVMUpdates = 0
    /// Seconds the container lock was held in map and unmap calls, summed.
    public var containerLockSeconds = 0.0
    /// Bytes pinned while the container lock was held.
    public var bytesPinnedUnderContainerLock = 0
    /// The most threads pinning at the same instant.
    public var maxConcurrentPinners = 0

    public init() {}
}
