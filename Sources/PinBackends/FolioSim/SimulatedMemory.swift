#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore
import PinSystem

/// The kernel state a simulated GUP works on, for one range: a memmap of one 64-byte
/// `cpinsys_sim_page` per base page, a page table shaped by the folio layout, and the
/// page-pointer array `pin_user_pages` fills. All really allocated and touched; the range
/// itself needs no memory (frame `n` is the range's `n`th base page, so a folio's records
/// are contiguous as a physically contiguous folio's `struct page`s are).
final class SimulatedMemory: @unchecked Sendable {
    /// The range's virtual address (changes when a simulation is reused for another range).
    private(set) var address: Int
    let size: ByteSize
    let kind: MemoryKind
    let layout: FolioLayout
    let pages: Int
    let memmap: UnsafeMutablePointer<cpinsys_sim_page>
    let pageArray: UnsafeMutablePointer<UnsafeMutablePointer<cpinsys_sim_page>?>
    private(set) var pageTable: SimulatedPageTable
    /// The folios the layout made.
    let census: FolioCensus
    /// Set by a passing unpin verification: every record is back where it started, so the
    /// next job on the same shape can reuse it.
    var isClean = true
    private let memmapBuffer: SimulationBuffer
    private let pageArrayBuffer: SimulationBuffer

    static let recordBytes = MemoryLayout<cpinsys_sim_page>.stride
    static let pointerBytes = MemoryLayout<UnsafeMutableRawPointer>.stride

    // MARK: - Size

    /// Bytes a simulation of `size` needs at most: the memmap, the page-pointer array and
    /// page tables for the worst layout (every 2 MiB in PTEs).
    static func footprint(size: ByteSize) -> (memmap: Int, pageTables: Int, pageArray: Int, total: Int) {
        let pages = size.bytes / PageSize.base.bytes
        let worst = SimulatedPageTable.worstCaseTables(pages: pages)
        // As mapped: each buffer is rounded up to 2 MiB, the PUD array to whole tables.
        let memmap = roundUp(pages * recordBytes, toMultipleOf: PageSize.pmd.bytes)
        let tables = roundUp(worst.tables * SimulatedPageTable.tableBytes + roundUp(worst.pudSlots * 8, toMultipleOf: SimulatedPageTable.tableBytes),
                             toMultipleOf: PageSize.pmd.bytes)
        let array = roundUp(pages * pointerBytes, toMultipleOf: PageSize.pmd.bytes)
        return (memmap, tables, array, memmap + tables + array)
    }

    /// Refuses a size whose simulation would not fit in the memory this machine can give.
    static func checkCapacity(size: ByteSize, memory: MemoryInfo) throws(SystemError) {
        let needed = footprint(size: size)
        guard needed.total > memory.usableBytes else { return }
        let perRangeByte = Double(needed.total) / Double(size.bytes)
        let largest = ByteSize(roundDown(Int(Double(memory.usableBytes) / perRangeByte), toMultipleOf: 1 << 30))
        throw SystemError(
            "foliosim: simulating \(size)", errno: ENOMEM,
            hint: "it needs \(ByteSize(needed.total).humanReadable) (a \(ByteSize(needed.memmap).humanReadable) memmap "
                + "of 64-byte records per 4 KiB page, \(ByteSize(needed.pageArray).humanReadable) of page pointers and "
                + "up to \(ByteSize(needed.pageTables).humanReadable) of page tables) but \(ByteSize(memory.usableBytes).humanReadable) "
                + "is usable here (MemAvailable less PinBench's margin): use a --size of at most \(largest)")
    }

    // MARK: - Building

    /// Builds the simulation of `region` with `layout`: generated for synthetic layouts, read
    /// from the populated real region for `pagemap`.
    init(region: Region, layout: FolioLayout) throws(SystemError) {
        address = region.address
        size = region.size
        kind = region.kind
        self.layout = layout
        pages = region.basePages
        memmapBuffer = try SimulationBuffer(bytes: pages * Self.recordBytes, what: "memmap")
        pageArrayBuffer = try SimulationBuffer(bytes: pages * Self.pointerBytes, what: "page-pointer array")
        memmap = memmapBuffer.base.bindMemory(to: cpinsys_sim_page.self, capacity: pages)
        pageArray = pageArrayBuffer.base.bindMemory(to: UnsafeMutablePointer<cpinsys_sim_page>?.self, capacity: pages)
        pageTable = try SimulatedPageTable(address: region.address, pages: pages)

        var census = FolioCensus()
        var table = pageTable
        let memmap = self.memmap
        let install = { (firstPage: Int, order: Int) in
            census.add(order: order)
            Self.initializeRecords(memmap, head: firstPage, order: order)
            table.map(address: region.address + firstPage * PageSize.base.bytes, frame: firstPage, order: order)
        }
        if layout.isSynthetic {
            layout.forEachFolio(address: region.address, size: region.size.bytes, memory: region.kind, install)
        } else {
            try KernelFolios.forEachFolio(region.base, length: region.size.bytes, install)
        }
        pageTable = table
        self.census = census
        clearPageArray()
    }

    /// A folio as the kernel leaves it mapped once: head refcount 1, tails 0 and pointing at
    /// the head, the order and a zero pin count in the second record of a large folio.
    private static func initializeRecords(_ memmap: UnsafeMutablePointer<cpinsys_sim_page>, head: Int, order: Int) {
        let headRecord = memmap + head
        var record = cpinsys_sim_page()
        record.refcount = 1
        record.flags = order > 0 ? CPINSYS_SIM_PG_HEAD : 0
        headRecord.initialize(to: record)
        guard order > 0 else { return }
        var tail = cpinsys_sim_page()
        tail.compound_head = UInt64(UInt(bitPattern: headRecord)) | 1
        for page in 1..<(1 << order) { (headRecord + page).initialize(to: tail) }
        headRecord[1].flags = UInt64(order)
    }

    /// Empties the page-pointer array before a pin phase, so a pin that skipped a page fails
    /// verification instead of passing on the previous job's pointers.
    func clearPageArray() {
        pageArray.update(repeating: nil, count: pages)
    }

    /// Points the simulation at another range with the same size, layout and offset within 1 GiB.
    func rebase(to region: Region) {
        precondition(region.address % PageSize.pud.bytes == address % PageSize.pud.bytes, "rebase changes the layout")
        address = region.address
        pageTable.rebase(to: region.address)
    }

    /// Whether base page `page` is a tail of a large folio (a cut there splits the folio).
    func isTail(_ page: Int) -> Bool { memmap[page].compound_head & 1 != 0 }
}
