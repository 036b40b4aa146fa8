// MARK: - Synthetic layouts

extension FolioLayout {
    /// The folio orders `mixed` tries at each position, largest first, and the chance of taking
    /// each where it is aligned and fits: about half the memory in 2 MiB or larger folios, the
    /// rest mTHP-sized or 4 KiB, as on a host that has run for a while.
    static let mixedChances: [(order: Int, chance: Double)] = [(18, 0.10), (9, 0.50), (4, 0.40), (2, 0.50)]

    /// Calls `body(firstPage, order)` for every folio of the `size` bytes at virtual `address`
    /// (both base-page multiples), in address order. A folio of order `o` covers `1 << o` base
    /// pages and its head is aligned to its size in virtual address, as the kernel maps folios;
    /// where an end of the range is not aligned to the folio size, 4 KiB pages fill the gap.
    /// Only for synthetic layouts (`pagemap` comes from the kernel).
    public func forEachFolio(
        address: Int, size: Int, memory: MemoryKind, _ body: (_ firstPage: Int, _ order: Int) -> Void
    ) {
        precondition(isSynthetic, "the pagemap layout is read from the kernel, not generated")
        let pageBytes = PageSize.base.bytes
        precondition(address % pageBytes == 0 && size % pageBytes == 0, "range not base-page aligned")
        let pages = size / pageBytes
        var page = 0
        switch self {
        case .memory, .pagemap:
            let order = memory.folioSize.basePages.trailingZeroBitCount
            let folioPages = 1 << order
            while page < pages {
                let aligned = (address / pageBytes + page) % folioPages == 0
                if aligned && page + folioPages <= pages {
                    body(page, order)
                    page += folioPages
                } else {
                    body(page, 0)
                    page += 1
                }
            }
        case .mixed(let seed):
            var random = SplitMix64(seed: seed)
            next: while page < pages {
                let virtualPage = address / pageBytes + page
                for (order, chance) in Self.mixedChances {
                    let folioPages = 1 << order
                    guard virtualPage % folioPages == 0, page + folioPages <= pages else { continue }
                    if Double(random.next() >> 11) / Double(1 << 53) < chance {
                        body(page, order)
                        page += folioPages
                        continue next
                    }
                }
                body(page, 0)
                page += 1
            }
        }
    }

    /// The folios `forEachFolio` makes, counted by order.
    public func census(address: Int, size: Int, memory: MemoryKind) -> FolioCensus {
        var census = FolioCensus()
        forEachFolio(address: address, size: size, memory: memory) { _, order in census.add(order: order) }
        return census
    }
}
