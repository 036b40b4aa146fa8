#if canImport(Glibc)
import Glibc
#endif
import PinContract
import PinCore
import PinSystem
import Synchronization

/// DMA map / unmap with VFIO semantics through a `DMAMapper`. A chunk maps at
/// `iovaBase + offset`, so a region's IOVA range mirrors its layout.
///
/// The strategies mean what the RFC's review compared: `single` is one map call for the whole
/// range, `user` is one map call per thread for its slice (a VMM splitting its `MAP_DMA`), and
/// `kernel` is one map call whose pinning the engine splits across its helpers (`pinSplit`).
public final class VFIOBackend: SplitPinBackend, @unchecked Sendable {
    /// IOVAs start at 4 GiB: above the x86 MSI window, and a TiB still fits a 40-bit aperture.
    public static let iovaBase: UInt64 = 1 << 32

    public let mapper: any DMAMapper
    public let options: VFIOOptions
    private let lastPhysicalRuns = Mutex<Residency.PhysicalRuns?>(nil)
    /// What `--dirty-tracking` measures after each map (`VFIOBackend+Dirty`).
    let dirtyTracker: (any DirtyTracker)?
    let lastDirtyPass = Mutex<DirtyTrackingOutcome?>(nil)

    /// Opens the mapper `options.path` names (a real container or device, or the shim).
    public convenience init(options: VFIOOptions) throws(SystemError) {
        if options.dirtyTracking != nil {
            let (mapper, tracker) = try Self.dirtyTrackingMapper(options: options)
            self.init(mapper: mapper, options: options, dirtyTracker: tracker)
            return
        }
        let mapper: any DMAMapper
        switch options.path {
        case .shim: mapper = ShimDMAMapper(containerLock: options.containerLock, lockedVM: options.lockedVM)
        case .type1(let group): mapper = try Type1DMAMapper(group: group)
        case .iommufd(let devices): mapper = try IOMMUFDDMAMapper(devices: devices, domains: options.domains)
        case .iommufdFile(let devices): mapper = try IOMMUFDDMAMapper(devices: devices, domains: options.domains, mapCall: .file)
        }
        self.init(mapper: mapper, options: options)
    }

    public init(mapper: any DMAMapper, options: VFIOOptions = VFIOOptions(), dirtyTracker: (any DirtyTracker)? = nil) {
        self.mapper = mapper
        self.options = options
        self.dirtyTracker = dirtyTracker
    }

    func iova(_ offset: Int) -> UInt64 { mapper.iovaBase + UInt64(offset) }

    // MARK: - Per-call strategies (single, user)

    public func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        try mapper.map(region, offset: chunk.offset, length: chunk.length, iova: iova(chunk.offset))
    }

    public func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        try mapper.unmap(iova: iova(chunk.offset), length: chunk.length)
    }

    // MARK: - One split call (kernel)

    public var splitsCalls: Bool { mapper.splitsMapCalls }

    public func pinSplit(_ region: Region, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError) {
        try mapper.mapSplit(vaddr: region.address, length: region.size.bytes, iova: iova(0), workers: workers, split: split)
    }

    public func unpinSplit(_ region: Region, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError) {
        try mapper.unmapSplit(iova: iova(0), length: region.size.bytes, workers: workers, split: split)
    }

    /// A mapper that maps files takes only the kinds that are one (`VFIOOptions.refusal(memory:)`
    /// says so before the device is opened; this holds for a backend made around any mapper).
    public func checkCapacity(kind: MemoryKind, size: ByteSize) throws(SystemError) {
        try checkDirtyTrackingCapacity(size: size)
        guard mapper.mapsFiles, !kind.isShared else { return }
        throw SystemError("\(mapper.name) on \(kind)", errno: EINVAL,
                          hint: VFIOOptions(path: .iommufdFile(device: "<device>")).refusal(memory: kind))
    }

    // MARK: - Verification

    /// Every page resident, the mapper's table and accounting hold the region, the kernel's
    /// pin counter grew by it; and, when frame numbers are visible (root), how many
    /// physically contiguous runs the range has.
    /// A file map fills the file's page cache without mapping a page into the process, so its
    /// residency is the file's (`st_blocks`), and its physical runs are counted only where the
    /// range was mapped too (prefaulted).
    public func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification {
        let resident = mapper.mapsFiles ? Verification.fileAllocated(region) : .allResident(region)
        var check = resident.and(mapper.verifyMapped(region, baseline: baseline))
        var runs = try? Residency.physicalRuns(region.base, length: region.size.bytes)
        if mapper.mapsFiles, let counted = runs ?? nil, counted.presentPages != region.basePages { runs = nil }
        lastPhysicalRuns.withLock { $0 = runs ?? nil }
        if let runs = runs ?? nil {
            check.detail += "; \(runs.runs) physically contiguous runs (longest \(ByteSize(runs.longestRunPages * PageSize.base.bytes)))"
        }
        // The dirty-tracking pass runs here, between the phases, on the caller; it times its
        // own steps (the engine times this call as nothing) and its bitmaps' checks join the pin check.
        if check.passed, let dirty = trackDirty(region) { check = check.and(dirty) }
        return check
    }

    public func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification {
        mapper.verifyUnmapped(region, baseline: baseline)
    }

    public func takeRunMetrics() -> BackendMetrics? {
        let statistics = mapper.takeStatistics()
        var metrics = BackendMetrics()
        metrics[VFIOMetric.mapCalls] = Double(statistics.mapCalls)
        metrics[VFIOMetric.unmapCalls] = Double(statistics.unmapCalls)
        metrics[VFIOMetric.peakIOVAEntries] = Double(statistics.peakEntries)
        metrics[VFIOMetric.rings] = Double(statistics.rings)
        metrics[VFIOMetric.lockedVMUpdates] = Double(statistics.lockedVMUpdates)
        metrics[VFIOMetric.containerLock] = statistics.containerLockSeconds
        metrics[VFIOMetric.pinnedUnderContainerLock] = Double(statistics.bytesPinnedUnderContainerLock)
        metrics[VFIOMetric.maxConcurrentPinners] = Double(statistics.maxConcurrentPinners)
        metrics[VFIOMetric.mapper] = mapper.name
        addDirtyMetrics(to: &metrics)
        metrics[.memlock] = "RLIMIT_MEMLOCK \(MemlockLimit.current().description)"
        (mapper as? IOMMUFDDMAMapper)?.addDomainMetrics(to: &metrics)
        if let runs = lastPhysicalRuns.withLock({ current -> Residency.PhysicalRuns? in
            defer { current = nil }
            return current
        }) {
            metrics[VFIOMetric.physicalRuns] = Double(runs.runs)
            metrics[VFIOMetric.longestPhysicalRun] = Double(runs.longestRunPages * PageSize.base.bytes)
        }
        return metrics
    }
}
