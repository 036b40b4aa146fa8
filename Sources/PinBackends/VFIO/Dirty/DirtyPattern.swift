/// The known pattern of dirty pages the mock domain is told to mark (`IOMMU_TEST_OP_DIRTY`),
/// and what a read of the bitmap may find after it: whole units (the region's folio size, so
/// a 2 MiB folio is marked or left whole), every third unit plus the first and the last.
///
/// The mock's page table decides how much one mark dirties: 6.12's xarray of 2 KiB entries
/// dirties exactly what was marked; 7.2's AMDv1 format (generic page table code, 2 KiB
/// granule, every power-of-two leaf size) maps physically contiguous, aligned memory with
/// larger leaves, and a mark dirties its whole leaf. So a read must find every marked page,
/// and may find more only inside a naturally aligned, physically contiguous block around a
/// marked unit (`widened(frames:)`): the leaves the kernel could have used.
public struct DirtyPattern: Sendable, Equatable {
    public let pages: Int
    public let unitPages: Int
    public let marked: DirtyBitmap

    /// The pattern over `pages` base pages in units of `unitPages` (a power of two).
    public init(pages: Int, unitPages: Int) {
        precondition(pages > 0 && unitPages > 0 && unitPages & (unitPages - 1) == 0 && pages % unitPages == 0)
        self.pages = pages
        self.unitPages = unitPages
        let units = pages / unitPages
        var bitmap = DirtyBitmap(pages: pages)
        for unit in 0..<units where unit % 3 == 0 || unit == units - 1 {
            for page in (unit * unitPages)..<((unit + 1) * unitPages) { bitmap[page] = true }
        }
        marked = bitmap
    }

    /// The same marks at `granule` bytes per bit instead of one base page (`pageBytes`):
    /// what `IOMMU_TEST_OP_DIRTY` is given at the mock's 2 KiB page size.
    public func marks(granuleBytes: Int, pageBytes: Int) -> DirtyBitmap {
        precondition(pageBytes % granuleBytes == 0)
        let perPage = pageBytes / granuleBytes
        var bitmap = DirtyBitmap(pages: pages * perPage)
        for page in 0..<pages where marked[page] {
            for granule in (page * perPage)..<((page + 1) * perPage) { bitmap[granule] = true }
        }
        return bitmap
    }

    /// Pages a read may find dirty: every marked page, and every page of the largest naturally
    /// aligned block (up to `maxBlockPages`) around a marked unit whose base pages have
    /// consecutive frame numbers starting at a frame aligned to the block (`frames[i]` is page
    /// `i`'s frame; nil when frame numbers are hidden: then exactly the marked pages).
    public func widened(frames: [UInt64]?, maxBlockPages: Int) -> DirtyBitmap {
        guard let frames, frames.count == pages else { return marked }
        var allowed = marked
        var unit = 0
        while unit * unitPages < pages {
            let first = unit * unitPages
            defer { unit += 1 }
            guard marked[first] else { continue }
            var block = unitPages * 2
            var widest = unitPages
            while block <= maxBlockPages, block <= pages {
                let start = first / block * block
                guard start + block <= pages, Self.contiguous(frames, from: start, count: block) else { break }
                widest = block
                block *= 2
            }
            let start = first / widest * widest
            for page in start..<(start + widest) { allowed[page] = true }
        }
        return allowed
    }

    static func contiguous(_ frames: [UInt64], from start: Int, count: Int) -> Bool {
        let base = frames[start]
        guard base != 0, base % UInt64(count) == 0 else { return false }
        for offset in 1..<count where frames[start + offset] != base + UInt64(offset) { return false }
        return true
    }
}
