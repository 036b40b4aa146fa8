#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

/// type1's dirty log. With no IOMMU dirty support (every IOMMU type1 drives today), type1
/// reports every pinned and mapped page dirty on each read, so each bitmap must mark exactly
/// the mapped range: every bit of it, none past it.
///
/// A pass: START; GET_BITMAP at each page size the container offers (the kernel takes only
/// the smallest, the one its migration capability names: the others are tried once and their
/// refusal recorded); GET_BITMAP again; STOP; then the migration's last pass, START and
/// `VFIO_IOMMU_UNMAP_DMA` with the bitmap, and the range mapped again untimed, so the run's
/// unpin phase times the plain unmap of the same mappings.
public final class Type1DirtyTracker: DirtyTracker, @unchecked Sendable {
    let mapper: Type1DMAMapper
    public let capability: Type1DMAMapper.MigrationCapability

    init(mapper: Type1DMAMapper, capability: Type1DMAMapper.MigrationCapability) {
        self.mapper = mapper
        self.capability = capability
    }

    /// The bitmap page size the kernel logs at: the smallest of the capability's.
    var pageSize: Int { 1 << capability.bitmapPageSizes.trailingZeroBitCount }

    public var trackerName: String {
        "type1 VFIO_IOMMU_DIRTY_PAGES (no IOMMU dirty bits: every pinned page reads dirty)"
    }

    public func pass(over region: Region, iova: UInt64) -> DirtyTrackingOutcome {
        var outcome = DirtyTrackingOutcome()
        let length = region.size.bytes
        let pages = length / pageSize
        var bitmap = DirtyBitmap(pages: pages)
        outcome.bitmapBytes = bitmap.byteCount
        guard UInt64(bitmap.byteCount) <= capability.maxBitmapBytes else {
            outcome.check(.failed("a bitmap of \(ByteSize(length)) is \(bitmap.byteCount) bytes, past the kernel's \(capability.maxBitmapBytes)"))
            return outcome
        }
        var tracking = false
        do throws(SystemError) {
            try timed(.start, into: &outcome) { () throws(SystemError) in try mapper.dirtyPages(CPINSYS_VFIO_IOMMU_DIRTY_PAGES_FLAG_START, "START") }
            tracking = true
            try timed(.read, into: &outcome) { () throws(SystemError) in
                try mapper.readDirty(iova: iova, length: length, pageSize: pageSize, into: &bitmap)
            }
            outcome.check(DirtyBitmapCheck.all.verify(bitmap, "GET_BITMAP at \(ByteSize(pageSize))"))
            outcome.notes[DirtyMetric.pageSizes] = triedPageSizes(iova: iova, length: length)
            bitmap.clear()
            try timed(.readAfterClear, into: &outcome) { () throws(SystemError) in
                try mapper.readDirty(iova: iova, length: length, pageSize: pageSize, into: &bitmap)
            }
            outcome.check(DirtyBitmapCheck.all.verify(bitmap, "GET_BITMAP again"))
            try timed(.stop, into: &outcome) { () throws(SystemError) in try mapper.dirtyPages(CPINSYS_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP, "STOP") }
            tracking = false

            // The migration's last pass, then the mappings back as the pin phase made them.
            let entries = mapper.accounting.entries
            try mapper.dirtyPages(CPINSYS_VFIO_IOMMU_DIRTY_PAGES_FLAG_START, "START")
            tracking = true
            bitmap.clear()
            try timed(.unmapWithBitmap, into: &outcome) { () throws(SystemError) in
                try mapper.unmapReadingDirty(iova: iova, length: length, pageSize: pageSize, into: &bitmap)
            }
            mapper.accounting.forget(iova: iova, length: length)
            outcome.check(DirtyBitmapCheck.all.verify(bitmap, "UNMAP_DMA with GET_DIRTY_BITMAP"))
            try mapper.dirtyPages(CPINSYS_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP, "STOP")
            tracking = false
            try mapper.remap(entries)
        } catch {
            // Undo: tracking off; what is still mapped the unpin phase unmaps (a DMA mapping
            // outlives munmap, so nothing may be left behind).
            if tracking { try? mapper.dirtyPages(CPINSYS_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP, "STOP") }
            outcome.check(.failed("dirty tracking: \(error)"))
        }
        return outcome
    }

    /// Tries GET_BITMAP once at every other page size the container maps with (up to the
    /// range), and says which the kernel took; untimed.
    func triedPageSizes(iova: UInt64, length: Int) -> String {
        var said = ["\(ByteSize(pageSize)) taken (the migration capability's pgsize_bitmap 0x\(String(capability.bitmapPageSizes, radix: 16)))"]
        var sizes = capability.iovaPageSizes & ~UInt64(pageSize) & ~UInt64(pageSize - 1)
        while sizes != 0 {
            let size = 1 << sizes.trailingZeroBitCount
            sizes &= sizes - 1
            guard size <= length, length % size == 0, iova % UInt64(size) == 0 else { continue }
            var bitmap = DirtyBitmap(pages: length / size)
            do throws(SystemError) {
                try mapper.readDirty(iova: iova, length: length, pageSize: size, into: &bitmap)
                said.append("\(ByteSize(size)) taken")
            } catch {
                said.append("\(ByteSize(size)) refused (errno \(error.errno), \(error.errnoName))")
            }
        }
        return said.joined(separator: ", ")
    }
}
