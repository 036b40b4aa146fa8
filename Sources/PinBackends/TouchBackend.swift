import PinCore
import PinSystem

/// Writes one byte per MMU page of the mapping, QEMU's `touch_all_pages` fallback: one
/// page fault per 4 KiB page for anon, THP and memfd, one per huge page for hugetlb.
/// Released with `MADV_DONTNEED`, as `populate`.
public struct TouchBackend: PinBackend, ReleasedByDontNeed {
    public var kind: BackendKind { .touch }

    public init() {}

    public func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        let stride = region.kind.pageSize.bytes
        // Start at the first page boundary inside the chunk; chunk offsets are page multiples
        // for every plan, but a chunk may begin mid-huge-page under PMD cuts of 1 GiB pages.
        var offset = roundUp(chunk.offset, toMultipleOf: min(stride, PageSize.base.bytes))
        let end = chunk.end
        let base = region.base
        while offset < end {
            base.storeBytes(of: 0 as UInt8, toByteOffset: offset, as: UInt8.self)
            offset += stride
        }
    }
}
