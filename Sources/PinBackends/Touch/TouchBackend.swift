import PinContract
import PinCore
import PinSystem

/// Writes one byte per MMU page of the mapping, QEMU's `touch_all_pages` fallback: one
/// page fault per 4 KiB page for anon, THP and memfd, one per huge page for hugetlb.
/// Released with `MADV_DONTNEED`, as `populate`.
public struct TouchBackend: PinBackend, ReleasedByDontNeed {

    public init() {}

    public func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        let stride = region.kind.pageSize.bytes
        // Chunks start on base pages; under PMD cuts of 1 GiB pages a chunk may begin inside a
        // huge page, and its first store then faults that whole page in, as a thread would.
        var offset = chunk.offset
        let end = chunk.end
        let base = region.base
        while offset < end {
            base.storeBytes(of: 0 as UInt8, toByteOffset: offset, as: UInt8.self)
            offset += stride
        }
    }
}
