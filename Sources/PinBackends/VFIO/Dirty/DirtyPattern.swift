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

    /// Pages a read may find dirty: every marked page, and every page of the largest block
    /// (up to `maxBlockPages`) around a marked unit that an IOMMU leaf could cover: naturally
    /// aligned in IOVA (the range starts `iovaPageOffset` base pages into IOVA space), its base
    /// pages of consecutive frame numbers from a frame aligned the same way (`frames[i]` is page
    /// `i`'s frame; nil when frame numbers are hidden: then exactly the marked pages).
    public func widened(frames: [UInt64]?, maxBlockPages: Int, iovaPageOffset: Int = 0) -> DirtyBitmap {
        guard let frames, frames.count == pages, frames.allSatisfy({ $0 != 0 }) else { return marked }
        // runStart[i]: where the physically contiguous run holding page i starts, so a block is
        // contiguous when its last page's run starts at or before its first page.
        var runStart = [Int](repeating: 0, count: pages)
        for page in 1..<max(pages, 1) {
            runStart[page] = frames[page] == frames[page - 1] + 1 ? runStart[page - 1] : page
        }
        var allowed = marked
        var unit = 0
        while unit * unitPages < pages {
            let first = unit * unitPages
            unit += 1
            guard marked[first] else { continue }
            var widest: (start: Int, count: Int)? = nil
            var block = unitPages * 2
            while block <= maxBlockPages, block <= pages {
                let start = (iovaPageOffset + first) / block * block - iovaPageOffset
                guard start >= 0, start + block <= pages, runStart[start + block - 1] <= start,
                      frames[start] % UInt64(block) == 0 else { break }
                widest = (start, block)
                block *= 2
            }
            if let widest {
                for page in widest.start..<(widest.start + widest.count) { allowed[page] = true }
            }
        }
        return allowed
    }
}
