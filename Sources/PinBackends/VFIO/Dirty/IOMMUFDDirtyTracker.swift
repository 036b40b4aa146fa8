#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

/// iommufd's dirty tracking on one HWPT allocated with `IOMMU_HWPT_ALLOC_DIRTY_TRACKING`:
/// the IOMMU's own dirty bits, read through the IOAS's mappings.
///
/// A pass: SET_DIRTY_TRACKING on (which clears the bits); on the mock domain, the known
/// pattern marked with `IOMMU_TEST_OP_DIRTY` (untimed: CPU writes set no IOMMU dirty bit);
/// GET_DIRTY_BITMAP with NO_CLEAR, twice (the second must find the same); a clearing read
/// (the same again); a read after it (none); SET_DIRTY_TRACKING off. On real hardware no
/// device wrote, so every read must find none.
public final class IOMMUFDDirtyTracker: DirtyTracker, @unchecked Sendable {
    /// Marks a pattern in the HWPT (the mock's `IOMMU_TEST_OP_DIRTY`); nil on hardware.
    public typealias Marker = (_ hwptID: UInt32, _ iova: UInt64, _ marks: inout DirtyBitmap, _ granuleBytes: Int) throws(SystemError) -> Int

    let iommu: FileDescriptor
    public let hwptID: UInt32
    let marker: Marker?
    public let trackerName: String

    init(iommu: FileDescriptor, hwptID: UInt32, name: String, marker: Marker?) {
        self.iommu = iommu
        self.hwptID = hwptID
        self.trackerName = name
        self.marker = marker
    }

    /// The mock's page size: `IOMMU_TEST_OP_DIRTY` indexes 6.12's xarray by IOVA / page size,
    /// and that xarray holds one entry per 2 KiB (`MOCK_IO_PAGE_SIZE`), so marks go at 2 KiB.
    static let mockGranuleBytes = 2048

    public func pass(over region: Region, iova: UInt64) -> DirtyTrackingOutcome {
        var outcome = DirtyTrackingOutcome()
        let length = region.size.bytes
        let pageBytes = PageSize.base.bytes
        let pages = length / pageBytes
        var bitmap = DirtyBitmap(pages: pages)
        outcome.bitmapBytes = bitmap.byteCount
        var tracking = false
        do throws(SystemError) {
            try timed(.start, into: &outcome) { () throws(SystemError) in try setTracking(true) }
            tracking = true
            let expected: DirtyBitmapCheck
            if let marker {
                // Whole folios (a THP or a huge page marked or left whole), where the size allows.
                let folioPages = max(1, region.kind.folioSize.bytes / pageBytes)
                let unitPages = pages % folioPages == 0 ? folioPages : 1
                let pattern = DirtyPattern(pages: pages, unitPages: unitPages)
                var marks = pattern.marks(granuleBytes: Self.mockGranuleBytes, pageBytes: pageBytes)
                let marked = try marker(hwptID, iova, &marks, Self.mockGranuleBytes)
                let wanted = pattern.marked.setCount * (pageBytes / Self.mockGranuleBytes)
                guard marked == wanted else {
                    throw SystemError("IOMMU_TEST_OP_DIRTY", errno: EIO, hint: "marked \(marked) of \(wanted) granules: some IOVA is not mapped in the mock domain")
                }
                // 7.2's mock maps contiguous memory with larger leaves, and a mark dirties its leaf.
                let frames = try? Residency.frames(region.base, length: length)
                expected = .pattern(marked: pattern.marked, allowed: pattern.widened(
                    frames: frames ?? nil, maxBlockPages: (1 << 30) / pageBytes, iovaPageOffset: Int(iova) / pageBytes))
            } else {
                expected = .none
            }
            try timed(.readNoClear, into: &outcome) { () throws(SystemError) in
                try read(iova: iova, length: length, pageBytes: pageBytes, clear: false, into: &bitmap)
            }
            outcome.check(expected.verify(bitmap, "GET_DIRTY_BITMAP(NO_CLEAR)"))
            bitmap.clear()
            try read(iova: iova, length: length, pageBytes: pageBytes, clear: false, into: &bitmap)
            outcome.check(expected.verify(bitmap, "NO_CLEAR again"))
            bitmap.clear()
            try timed(.read, into: &outcome) { () throws(SystemError) in
                try read(iova: iova, length: length, pageBytes: pageBytes, clear: true, into: &bitmap)
            }
            outcome.check(expected.verify(bitmap, "GET_DIRTY_BITMAP (clearing)"))
            bitmap.clear()
            try timed(.readAfterClear, into: &outcome) { () throws(SystemError) in
                try read(iova: iova, length: length, pageBytes: pageBytes, clear: true, into: &bitmap)
            }
            outcome.check(DirtyBitmapCheck.none.verify(bitmap, "read after the clearing read"))
            try timed(.stop, into: &outcome) { () throws(SystemError) in try setTracking(false) }
            tracking = false
        } catch {
            if tracking { try? setTracking(false) }
            outcome.check(.failed("dirty tracking: \(error)"))
        }
        outcome.notes[DirtyMetric.pageSizes] = "\(ByteSize(pageBytes)) read" + (marker != nil ? ", marked at 2K (the mock's page)" : "")
        return outcome
    }

    /// `IOMMU_HWPT_SET_DIRTY_TRACKING` on or off.
    func setTracking(_ on: Bool) throws(SystemError) {
        var request = cpinsys_iommu_hwpt_set_dirty_tracking(
            size: UInt32(MemoryLayout<cpinsys_iommu_hwpt_set_dirty_tracking>.size),
            flags: on ? UInt32(CPINSYS_IOMMU_HWPT_DIRTY_TRACKING_ENABLE) : 0, hwpt_id: hwptID, reserved: 0)
        try iommu.ioctl("IOMMU_HWPT_SET_DIRTY_TRACKING(\(on ? "on" : "off")) of HWPT \(hwptID)", CPINSYS_IOMMU_HWPT_SET_DIRTY_TRACKING, &request)
    }

    /// `IOMMU_HWPT_GET_DIRTY_BITMAP` of the range at `pageBytes`, with NO_CLEAR unless `clear`.
    func read(iova: UInt64, length: Int, pageBytes: Int, clear: Bool, into bitmap: inout DirtyBitmap) throws(SystemError) {
        try bitmap.withAddress { (address: UInt64) throws(SystemError) in
            var request = cpinsys_iommu_hwpt_get_dirty_bitmap(
                size: UInt32(MemoryLayout<cpinsys_iommu_hwpt_get_dirty_bitmap>.size), hwpt_id: hwptID,
                flags: clear ? 0 : UInt32(CPINSYS_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR), reserved: 0,
                iova: iova, length: UInt64(length), page_size: UInt64(pageBytes), data: address)
            try iommu.ioctl("IOMMU_HWPT_GET_DIRTY_BITMAP\(clear ? "" : "(NO_CLEAR)") of \(ByteSize(length))",
                            CPINSYS_IOMMU_HWPT_GET_DIRTY_BITMAP, &request)
        }
    }
}
