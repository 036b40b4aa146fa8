import CPinSys
@testable import PinBackends
import PinContract
import PinCore
import PinSystem
import Testing

/// The foliosim model itself: the memmap, page table and page-pointer array a simulation
/// builds, the exact counts its GUP leaves, and verification that notices when they are off.
/// Each test builds its own simulation (never the shelf), so they run in parallel safely.
@Suite("foliosim: simulated memmap, page table and GUP counts")
struct SimulatedMemoryTests {
    /// A range shape: the memory kind, the folio layout and the size.
    struct Shape: Sendable, CustomTestStringConvertible {
        var kind: MemoryKind
        var layout: FolioLayout
        var size: ByteSize
        var testDescription: String { "\(kind) \(layout) \(size)" }
    }

    /// mixed:5 over 2 GiB holds one 1 GiB folio (a PUD leaf) beside 2 MiB PMD leaves and
    /// PTE-mapped 64 KiB, 16 KiB and 4 KiB folios, so every walk path is taken.
    static let mixedSeed: UInt64 = 5
    static let shapes: [Shape] = [
        Shape(kind: .anon, layout: .memory, size: .mib(64)),
        Shape(kind: .mthp16k, layout: .memory, size: .mib(64)),
        Shape(kind: .hugetlb2m, layout: .memory, size: .mib(64)),
        Shape(kind: .hugetlb1g, layout: .memory, size: .gib(2)),
        Shape(kind: .thp, layout: .mixed(seed: mixedSeed), size: .gib(2)),
    ]

    /// A fresh simulation over a reserved range (address space only), and the range, which
    /// must outlive it.
    static func simulate(_ shape: Shape) throws -> (SimulatedMemory, Region) {
        let region = try Region.reserve(kind: shape.kind, size: shape.size, alignment: FolioSimBackend.rangeAlignment)
        return (try SimulatedMemory(region: region, layout: shape.layout), region)
    }

    /// The layout's folios as (first base page, order), in address order.
    static func folios(_ shape: Shape, at address: Int) -> [(first: Int, order: Int)] {
        var folios: [(first: Int, order: Int)] = []
        shape.layout.forEachFolio(address: address, size: shape.size.bytes, memory: shape.kind) { folios.append(($0, $1)) }
        return folios
    }

    /// A few folios to look at record by record: the first and last of each order present.
    static func samples(_ shape: Shape, at address: Int) -> [(first: Int, order: Int)] {
        let all = folios(shape, at: address)
        var picked: [Int: (first: Int, order: Int)] = [:]
        var last: [Int: (first: Int, order: Int)] = [:]
        for folio in all {
            if picked[folio.order] == nil { picked[folio.order] = folio }
            last[folio.order] = folio
        }
        return Array(picked.values) + Array(last.values)
    }

    static func headBits(_ memory: SimulatedMemory, _ head: Int) -> UInt64 {
        UInt64(UInt(bitPattern: memory.memmap + head)) | 1
    }

    static func pinAll(_ memory: SimulatedMemory, mode: GUPMode) throws(SystemError) -> GUPCounters {
        var counters = GUPCounters()
        try memory.pin(first: 0, count: memory.pages, mode: mode, counters: &counters)
        return counters
    }

    static func unpinAll(_ memory: SimulatedMemory, mode: GUPMode) throws(SystemError) -> GUPCounters {
        var counters = GUPCounters()
        try memory.unpin(first: 0, count: memory.pages, mode: mode, counters: &counters)
        return counters
    }

    // MARK: - Building

    @Test("a simulation's census is the layout's census for that address", arguments: shapes)
    func census(shape: Shape) throws {
        let (memory, region) = try Self.simulate(shape)
        let expected = shape.layout.census(address: region.address, size: shape.size.bytes, memory: shape.kind)
        #expect(memory.census == expected)
        #expect(memory.census.basePages == shape.size.bytes / 4096)
        #expect(memory.pages == shape.size.bytes / 4096)
        // The shapes were picked to cover what they name; a layout change would silently narrow them.
        switch shape.kind {
        case .anon: #expect(memory.census.counts == [0: 16384])
        case .mthp16k: #expect(memory.census.counts == [2: 4096])
        case .hugetlb2m: #expect(memory.census.counts == [9: 32])
        case .hugetlb1g: #expect(memory.census.counts == [18: 2])
        default: #expect(Set(memory.census.counts.keys) == [0, 2, 4, 9, 18])
        }
    }

    @Test("records start as the kernel leaves a mapped folio: head refcount 1, tails 0 pointing at head | 1",
          arguments: shapes)
    func recordsInitialised(shape: Shape) throws {
        let (memory, region) = try Self.simulate(shape)
        for (first, order) in Self.samples(shape, at: region.address) {
            let head = memory.memmap[first]
            #expect(head.refcount == 1, "head \(first)")
            #expect(head.compound_head == 0, "head \(first)")
            #expect(head.flags == (order > 0 ? CPINSYS_SIM_PG_HEAD : 0), "head \(first)")
            #expect(cpinsys_sim_folio_order(memory.memmap + first) == UInt32(order))
            guard order > 0 else { continue }
            // The order and pin count live in the second record, as folio->_flags_1 and _pincount.
            #expect(memory.memmap[first + 1].flags & 0xff == UInt64(order), "head \(first)")
            #expect(memory.memmap[first + 1].pincount == 0, "head \(first)")
            for tail in [1, 2, (1 << order) - 1] {
                #expect(memory.memmap[first + tail].refcount == 0, "tail \(first)+\(tail)")
                #expect(memory.memmap[first + tail].compound_head == Self.headBits(memory, first), "tail \(first)+\(tail)")
                #expect(memory.isTail(first + tail))
            }
            #expect(!memory.isTail(first))
        }
    }

    @Test("hugetlb-2m records, one by one")
    func hugetlb2mRecords() throws {
        let (memory, _) = try Self.simulate(Shape(kind: .hugetlb2m, layout: .memory, size: .mib(64)))
        let memmap = memory.memmap
        #expect(memmap[0].flags == CPINSYS_SIM_PG_HEAD && memmap[0].refcount == 1)
        #expect(memmap[1].flags == 9 && memmap[1].pincount == 0 && memmap[1].refcount == 0)
        #expect(memmap[511].compound_head == Self.headBits(memory, 0))
        #expect(memmap[512].compound_head == 0 && memmap[512].refcount == 1)
        #expect(memmap[513].compound_head == Self.headBits(memory, 512))
        #expect(memmap[16383].compound_head == Self.headBits(memory, 16384 - 512))
    }

    @Test("the page table walks to frame == page index inside the range and to -1 past it", arguments: shapes)
    func pageTableWalk(shape: Shape) throws {
        let (memory, region) = try Self.simulate(shape)
        let pages = memory.pages
        for page in [0, 1, 3, 4, 17, 511, 512, 513, pages / 2 - 1, pages / 2, pages / 2 + 7, pages - 2, pages - 1] {
            // Any byte of the page maps to it, not only its first.
            #expect(memory.pageTable.walk(region.address + page * 4096) == page, "page \(page)")
            #expect(memory.pageTable.walk(region.address + page * 4096 + 4095) == page, "page \(page) end")
            let leaf = memory.pageTable.leaf(region.address + page * 4096)
            #expect(leaf.frame == page, "leaf of page \(page)")
        }
        // Just past the range: within the tables' reach but mapped by nothing.
        #expect(memory.pageTable.walk(region.address + shape.size.bytes) == -1)
        #expect(memory.pageTable.walk(region.address + shape.size.bytes + (2 << 20)) == -1)
    }

    @Test("folios get the page table entries the kernel gives them: PUD leaf, PMD leaf or PTEs")
    func leafKinds() throws {
        let shape = Shape(kind: .thp, layout: .mixed(seed: Self.mixedSeed), size: .gib(2))
        let (memory, region) = try Self.simulate(shape)
        for (first, order) in Self.samples(shape, at: region.address) {
            let leaf = memory.pageTable.leaf(region.address + first * 4096)
            switch order {
            case 18: #expect(leaf.pte == nil && leaf.leafPages == 1 << 18)
            case 9: #expect(leaf.pte == nil && leaf.leafPages == 512)
            default: #expect(leaf.pte != nil && leaf.pteLeft == 512 - first % 512, "order \(order) at \(first)")
            }
        }
    }

    // MARK: - Pin and unpin

    static let modeShapes: [(Shape, GUPMode, GUPMode)] = shapes.flatMap { shape in
        GUPMode.allCases.flatMap { pin in GUPMode.allCases.map { unpin in (shape, pin, unpin) } }
    }

    @Test("pin then unpin of the whole range leaves exact counts, in every GUP mode", arguments: modeShapes)
    func pinUnpin(shape: Shape, pin: GUPMode, unpin: GUPMode) throws {
        let (memory, region) = try Self.simulate(shape)
        let memmap = memory.memmap
        _ = try Self.pinAll(memory, mode: pin)

        // FOLL_PIN: +1024 on a small folio, +pages on a large folio's refcount and pin count.
        for (first, order) in Self.samples(shape, at: region.address) {
            if order == 0 {
                #expect(memmap[first].refcount == 1 + 1024, "small folio \(first)")
            } else {
                #expect(memmap[first].refcount == 1 + Int32(1 << order), "folio \(first)")
                #expect(memmap[first + 1].pincount == Int32(1 << order), "folio \(first)")
                #expect(memmap[first + 1].refcount == 0 && memmap[first + (1 << order) - 1].refcount == 0)
            }
        }
        switch shape.kind {
        case .hugetlb2m:
            #expect(memmap[0].refcount == 513 && memmap[1].pincount == 512 && memmap[512].refcount == 513)
            #expect(memmap[513].pincount == 512 && memmap[2].pincount == 0)
        case .anon:
            #expect(memmap[0].refcount == 1025 && memmap[9999].refcount == 1025 && memmap[16383].refcount == 1025)
        case .mthp16k:
            #expect(memmap[0].refcount == 5 && memmap[1].pincount == 4 && memmap[4].refcount == 5)
        case .hugetlb1g:
            #expect(memmap[0].refcount == 1 + 262_144 && memmap[1].pincount == 262_144)
            #expect(memmap[262_144].refcount == 1 + 262_144)
        default: break
        }
        // The page array holds every page's own record, not its head's.
        for page in [0, 1, 511, 512, memory.pages - 1] { #expect(memory.pageArray[page] == memmap + page) }
        let pinned = memory.verify(pinned: true)
        #expect(pinned.passed, "\(pinned)")
        #expect(pinned.detail.contains("\(memory.census.folios) folios"))
        #expect(!memory.verify(pinned: false).passed)

        _ = try Self.unpinAll(memory, mode: unpin)
        let unpinned = memory.verify(pinned: false)
        #expect(unpinned.passed, "\(unpinned)")
        #expect(memmap[0].refcount == 1)
        #expect(memmap[1].pincount == 0)
        #expect(!memory.verify(pinned: true).passed)
    }

    @Test("pinning in pieces cut inside folios adds up to the same exact counts", arguments: GUPMode.allCases)
    func pinInPieces(mode: GUPMode) throws {
        let shape = Shape(kind: .thp, layout: .mixed(seed: Self.mixedSeed), size: .gib(2))
        let (memory, region) = try Self.simulate(shape)
        // One cut inside the first and last large folio of every order, the 1 GiB one included.
        let cuts = Set(Self.samples(shape, at: region.address).filter { $0.order > 0 }.map { $0.first + (1 << $0.order) / 2 + 1 })
            .sorted()
        #expect(cuts.count >= 7)
        for cut in cuts { #expect(memory.isTail(cut), "cut at \(cut)") }
        let bounds = [0] + cuts + [memory.pages]
        let pieces = (0..<(bounds.count - 1)).map { (first: bounds[$0], count: bounds[$0 + 1] - bounds[$0]) }

        var pinCounters = GUPCounters()
        for piece in pieces.reversed() { try memory.pin(first: piece.first, count: piece.count, mode: mode, counters: &pinCounters) }
        let pinned = memory.verify(pinned: true)
        #expect(pinned.passed, "\(pinned)")
        var unpinCounters = GUPCounters()
        for piece in pieces { try memory.unpin(first: piece.first, count: piece.count, mode: mode, counters: &unpinCounters) }
        let unpinned = memory.verify(pinned: false)
        #expect(unpinned.passed, "\(unpinned)")
        // Batched, every cut inside a folio makes one more piece of it to grab and to put.
        let expected = mode == .perPage ? memory.pages : memory.census.folios + cuts.count
        #expect(pinCounters.operations == expected)
        #expect(unpinCounters.operations == expected)
    }

    @Test("GUP counts one operation per page per-page, one per folio batched")
    func counters() throws {
        let (memory, _) = try Self.simulate(Shape(kind: .hugetlb2m, layout: .memory, size: .mib(64)))
        let perPagePin = try Self.pinAll(memory, mode: .perPage)
        #expect(perPagePin.operations == 16384)
        #expect(perPagePin.atomics == 2 * 16384)
        #expect(perPagePin.retries == 0)
        #expect(try Self.unpinAll(memory, mode: .perPage).operations == 16384)

        let folioPin = try Self.pinAll(memory, mode: .folio)
        #expect(folioPin.operations == 32)
        #expect(folioPin.atomics == 64)
        #expect(try Self.unpinAll(memory, mode: .folio).operations == 32)
        #expect(memory.verify(pinned: false).passed)
    }

    @Test("batched GUP takes PTE-mapped mTHP folios whole, and small folios one by one")
    func batchedPTEs() throws {
        let (mthp, _) = try Self.simulate(Shape(kind: .mthp64k, layout: .memory, size: .mib(64)))
        #expect(try Self.pinAll(mthp, mode: .folio).operations == 1024)
        #expect(try Self.unpinAll(mthp, mode: .folio).operations == 1024)
        let (anon, _) = try Self.simulate(Shape(kind: .anon, layout: .memory, size: .mib(64)))
        #expect(try Self.pinAll(anon, mode: .folio).operations == 16384)
        #expect(try Self.unpinAll(anon, mode: .folio).operations == 16384)
        // A cut inside a folio makes two pieces of it: pages [0, 10) and [10, 32) of two 64 KiB folios.
        var counters = GUPCounters()
        try mthp.pin(first: 0, count: 10, mode: .folio, counters: &counters)
        try mthp.pin(first: 10, count: 22, mode: .folio, counters: &counters)
        #expect(counters.operations == 3)
        #expect(mthp.memmap[0].refcount == 17 && mthp.memmap[1].pincount == 16)
        #expect(mthp.memmap[16].refcount == 17 && mthp.memmap[17].pincount == 16)
    }

    // MARK: - Verification can fail

    @Test("a refcount off by one after a pin fails verification and names it")
    func refcountOff() throws {
        let (memory, _) = try Self.simulate(Shape(kind: .hugetlb2m, layout: .memory, size: .mib(64)))
        _ = try Self.pinAll(memory, mode: .folio)
        #expect(memory.verify(pinned: true).passed)

        memory.memmap[5].refcount += 1  // a tail that took a reference
        let tail = memory.verify(pinned: true)
        #expect(!tail.passed)
        #expect(tail.detail.contains("refcount"), "\(tail)")
        #expect(tail.detail.contains("folio at base page 0"), "\(tail)")
        memory.memmap[5].refcount -= 1
        #expect(memory.verify(pinned: true).passed)

        memory.memmap[512].refcount += 1  // a head one reference too many
        let head = memory.verify(pinned: true)
        #expect(!head.passed)
        #expect(head.detail.contains("folio at base page 512"), "\(head)")
        #expect(head.detail.contains("refcount 514 (expected 513)"), "\(head)")
        memory.memmap[512].refcount -= 1

        memory.memmap[1025].pincount -= 1  // a pin count one short
        let pincount = memory.verify(pinned: true)
        #expect(!pincount.passed)
        #expect(pincount.detail.contains("pincount 511 (expected 512)"), "\(pincount)")
    }

    @Test("a missing page-array entry fails verification")
    func pageArrayHole() throws {
        let (memory, _) = try Self.simulate(Shape(kind: .mthp16k, layout: .memory, size: .mib(64)))
        _ = try Self.pinAll(memory, mode: .folio)
        memory.pageArray[4001] = nil
        let check = memory.verify(pinned: true)
        #expect(!check.passed)
        #expect(check.detail.contains("page array"), "\(check)")
        #expect(check.detail.contains("4001"), "\(check)")
        // The hole also stops the unpin, which has no page to drop there.
        var counters = GUPCounters()
        #expect(throws: SystemError.self) { try memory.unpin(first: 0, count: memory.pages, mode: .perPage, counters: &counters) }
    }

    @Test("a pin of half the range does not pass as pinned; pinning the rest does", arguments: GUPMode.allCases)
    func partialPin(mode: GUPMode) throws {
        let (memory, _) = try Self.simulate(Shape(kind: .hugetlb2m, layout: .memory, size: .mib(64)))
        let half = memory.pages / 2
        var counters = GUPCounters()
        try memory.pin(first: 0, count: half, mode: mode, counters: &counters)
        #expect(!memory.verify(pinned: true).passed)
        #expect(!memory.verify(pinned: false).passed)
        try memory.pin(first: half, count: memory.pages - half, mode: mode, counters: &counters)
        #expect(memory.verify(pinned: true).passed)
    }

    @Test("unpinning twice is caught as unbalanced", arguments: [MemoryKind.anon, .hugetlb2m])
    func unbalanced(kind: MemoryKind) throws {
        let (memory, _) = try Self.simulate(Shape(kind: kind, layout: .memory, size: .mib(8)))
        _ = try Self.pinAll(memory, mode: .folio)
        _ = try Self.unpinAll(memory, mode: .folio)
        do {
            _ = try Self.unpinAll(memory, mode: .folio)
            Issue.record("a second unpin went through")
        } catch {
            #expect(error.description.contains("unbalanced"), "\(error)")
        }
    }

    @Test("a page with no page table entry faults the pin")
    func noEntry() throws {
        let (memory, _) = try Self.simulate(Shape(kind: .anon, layout: .memory, size: .mib(8)))
        var counters = GUPCounters()
        // One page past the end: the simulated range ends there.
        for mode in GUPMode.allCases {
            #expect(throws: SystemError.self) { try memory.pin(first: memory.pages, count: 1, mode: mode, counters: &counters) }
        }
    }

    // MARK: - Capacity

    @Test("a simulation too large for memory is refused with the memmap's size and a --size to use")
    func capacity() throws {
        let memory = MemoryInfo(totalBytes: 24 << 30, availableBytes: 20 << 30)
        do {
            try SimulatedMemory.checkCapacity(size: .tib(64), memory: memory)
            Issue.record("64 TiB fitted in 20 GiB")
        } catch {
            #expect(error.description.contains("memmap"), "\(error)")
            #expect(error.description.contains("--size"), "\(error)")
        }
        #expect(throws: Never.self) { try SimulatedMemory.checkCapacity(size: .gib(16), memory: memory) }
    }

    @Test("the footprint is 64 bytes of memmap and 8 of page pointer per 4 KiB page")
    func footprint() {
        let footprint = SimulatedMemory.footprint(size: .gib(64))
        #expect(footprint.memmap == 1 << 30)
        #expect(footprint.pageArray == 128 << 20)
        #expect(footprint.total == footprint.memmap + footprint.pageArray + footprint.pageTables)
        // Worst case, every 2 MiB in PTEs: 32768 tables of 4 KiB, a little more, rounded to 2 MiB as mapped.
        #expect(footprint.pageTables > 128 << 20 && footprint.pageTables <= 130 << 20)
        #expect(footprint.pageTables % (2 << 20) == 0)
    }
}
