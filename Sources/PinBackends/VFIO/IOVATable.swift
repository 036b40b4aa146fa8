#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinSystem

/// The DMA mappings of a container by IOVA, with VFIO type1's rules: no two mappings overlap
/// (`-EEXIST`), at most `entryLimit` of them (`dma_entry_limit`, `-ENOSPC`), and an unmap may
/// not bisect a mapping (`-EINVAL`). Not thread-safe; the mapper guards it.
public struct IOVATable: Sendable {
    /// One mapping: `length` bytes at user address `vaddr`, seen by the device at `iova`.
    public struct Entry: Sendable, Equatable {
        public var iova: UInt64
        public var length: Int
        public var vaddr: Int

        public init(iova: UInt64, length: Int, vaddr: Int) {
            self.iova = iova
            self.length = length
            self.vaddr = vaddr
        }

        public var end: UInt64 { iova + UInt64(length) }
    }

    /// vfio_iommu_type1's default `dma_entry_limit`.
    public static let defaultEntryLimit = 65535

    public let entryLimit: Int
    /// Sorted by `iova`; disjoint.
    public private(set) var entries: [Entry] = []
    /// The most entries held at once.
    public private(set) var peakCount = 0

    public init(entryLimit: Int = IOVATable.defaultEntryLimit) {
        self.entryLimit = entryLimit
    }

    public var count: Int { entries.count }

    /// Starts a new peak from the entries held now (per run).
    public mutating func resetPeak() { peakCount = entries.count }
    public var mappedBytes: Int { entries.reduce(0) { $0 + $1.length } }

    /// Index of the first entry whose end is above `iova`.
    private func firstEnding(after iova: UInt64) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].end <= iova { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Adds a mapping, as `VFIO_IOMMU_MAP_DMA` checks it.
    public mutating func insert(_ entry: Entry) throws(SystemError) {
        guard entry.length > 0, entry.iova.addingReportingOverflow(UInt64(entry.length)).overflow == false else {
            throw SystemError("VFIO_IOMMU_MAP_DMA at iova 0x\(String(entry.iova, radix: 16)) of \(entry.length) bytes", errno: EINVAL,
                              hint: "the size must be positive and the range must not wrap")
        }
        let index = firstEnding(after: entry.iova)
        if index < entries.count, entries[index].iova < entry.end {
            let existing = entries[index]
            throw SystemError(
                "VFIO_IOMMU_MAP_DMA at iova 0x\(String(entry.iova, radix: 16))+\(ByteSize(entry.length))", errno: EEXIST,
                hint: "it overlaps the mapping at iova 0x\(String(existing.iova, radix: 16))+\(ByteSize(existing.length))")
        }
        guard entries.count < entryLimit else {
            throw SystemError(
                "VFIO_IOMMU_MAP_DMA at iova 0x\(String(entry.iova, radix: 16))", errno: ENOSPC,
                hint: "the container holds dma_entry_limit (\(entryLimit)) mappings already: map larger ranges, "
                    + "or raise vfio_iommu_type1's dma_entry_limit module parameter")
        }
        entries.insert(entry, at: index)
        peakCount = max(peakCount, entries.count)
    }

    /// Removes every mapping inside `[iova, iova + length)` and returns them in IOVA order, as
    /// `VFIO_IOMMU_UNMAP_DMA` does. A range that cuts a mapping in two is refused (`EINVAL`, as
    /// type1v2 does); so is one that holds none (`ENOENT`: type1 would report 0 bytes unmapped,
    /// but a benchmark that unmaps nothing has lost track of its mappings).
    public mutating func remove(iova: UInt64, length: Int) throws(SystemError) -> [Entry] {
        let operation = "VFIO_IOMMU_UNMAP_DMA at iova 0x\(String(iova, radix: 16)) of \(length) bytes"
        guard length > 0, iova.addingReportingOverflow(UInt64(length)).overflow == false else {
            throw SystemError(operation, errno: EINVAL, hint: "the size must be positive and the range must not wrap")
        }
        let end = iova + UInt64(length)
        let first = firstEnding(after: iova)
        var last = first
        while last < entries.count, entries[last].iova < end { last += 1 }
        guard first < last else {
            throw SystemError(operation, errno: ENOENT, hint: "no mapping lies in that range")
        }
        guard entries[first].iova >= iova, entries[last - 1].end <= end else {
            throw SystemError(operation, errno: EINVAL, hint: "the range would cut a mapping in two (type1v2 refuses it)")
        }
        let removed = Array(entries[first..<last])
        entries.removeSubrange(first..<last)
        return removed
    }
}
