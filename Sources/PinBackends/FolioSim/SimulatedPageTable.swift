import PinCore
import PinSystem

/// A three-level page table (PUD, PMD, PTE) for a simulated range, shaped by its folios as
/// the kernel's is: a 1 GiB folio is one PUD leaf, a 2 MiB folio one PMD leaf, anything else
/// one PTE per 4 KiB page. Entries are 64-bit: bit 0 present, bit 1 leaf; a leaf or PTE holds
/// the frame (the memmap index) from bit 12, a table entry the next table's address.
/// Tables are 4 KiB and come from one pool sized for the worst case (every 2 MiB in PTEs).
struct SimulatedPageTable: @unchecked Sendable {
    static let present: UInt64 = 1
    static let leaf: UInt64 = 2
    static let entriesPerTable = 512
    static let tableBytes = 4096

    /// The range's start rounded down to 1 GiB: what the PUD slots count from.
    private(set) var pudBase: Int
    let pudSlots: Int
    let pud: UnsafeMutablePointer<UInt64>
    private let pool: SimulationBuffer
    private var tablesUsed = 0
    private let tableCapacity: Int

    /// Most 4 KiB tables a range of `pages` base pages at any alignment can need, plus its
    /// PUD slots: the pool size, and the page-table part of `SimulatedMemory.footprint`.
    static func worstCaseTables(pages: Int) -> (tables: Int, pudSlots: Int) {
        let pudSlots = pages / (1 << 18) + 2
        return (pages / entriesPerTable + 2 + pudSlots, pudSlots)
    }

    init(address: Int, pages: Int) throws(SystemError) {
        let worst = Self.worstCaseTables(pages: pages)
        pudBase = roundDown(address, toMultipleOf: PageSize.pud.bytes)
        pudSlots = worst.pudSlots
        tableCapacity = worst.tables
        let pudBytes = roundUp(pudSlots * 8, toMultipleOf: Self.tableBytes)
        pool = try SimulationBuffer(bytes: pudBytes + tableCapacity * Self.tableBytes, what: "page tables", reserveOnly: true)
        pud = pool.base.initializeMemory(as: UInt64.self, repeating: 0, count: pudSlots)
        // Table memory after the PUD array is handed out (and zeroed) table by table.
        tablesStart = pool.base + pudBytes
    }

    private let tablesStart: UnsafeMutableRawPointer

    /// Moves the table to another range with the same offset within 1 GiB (a reused simulation).
    mutating func rebase(to address: Int) {
        pudBase = roundDown(address, toMultipleOf: PageSize.pud.bytes)
    }

    // MARK: - Building

    private mutating func newTable() -> UnsafeMutablePointer<UInt64> {
        precondition(tablesUsed < tableCapacity, "page table pool exhausted")
        let table = (tablesStart + tablesUsed * Self.tableBytes)
            .initializeMemory(as: UInt64.self, repeating: 0, count: Self.entriesPerTable)
        tablesUsed += 1
        return table
    }

    /// The table an entry points to, made when the entry is empty.
    private mutating func table(under entry: UnsafeMutablePointer<UInt64>) -> UnsafeMutablePointer<UInt64> {
        if entry.pointee & Self.present == 0 {
            let table = newTable()
            entry.pointee = UInt64(UInt(bitPattern: table)) | Self.present
            return table
        }
        precondition(entry.pointee & Self.leaf == 0, "a table under a leaf entry")
        return UnsafeMutablePointer<UInt64>(bitPattern: UInt(entry.pointee & ~0xFFF)).unsafelyUnwrapped
    }

    /// Maps the folio of `1 << order` base pages whose head is frame `frame` at `address`:
    /// one PUD or PMD leaf where the folio is exactly that size and aligned, else PTEs.
    mutating func map(address: Int, frame: Int, order: Int) {
        let pudEntry = pud + ((address - pudBase) >> 30)
        if order == 18, address % PageSize.pud.bytes == 0 {
            pudEntry.pointee = UInt64(frame) << 12 | Self.present | Self.leaf
            return
        }
        let pmdEntry = table(under: pudEntry) + ((address >> 21) & 511)
        if order == 9, address % PageSize.pmd.bytes == 0 {
            pmdEntry.pointee = UInt64(frame) << 12 | Self.present | Self.leaf
            return
        }
        for page in 0..<(1 << order) {
            let pageAddress = address + page << 12
            let pmd = table(under: pud + ((pageAddress - pudBase) >> 30)) + ((pageAddress >> 21) & 511)
            table(under: pmd)[(pageAddress >> 12) & 511] = UInt64(frame + page) << 12 | Self.present
        }
    }

    // MARK: - Walking

    /// The frame mapped at `address`, walking PUD, PMD and PTE as the entries say; -1 when
    /// nothing is mapped there.
    @inline(__always)
    func walk(_ address: Int) -> Int { leaf(address).frame }

    /// What maps `address`: its frame, and either the base pages left in its PUD or PMD leaf
    /// (`pte` nil) or the PTE itself, so the caller can batch the PTEs after it (`pteLeft`
    /// of them, this one included, are in the same table). Frame -1 when nothing is mapped.
    @inline(__always)
    func leaf(_ address: Int) -> (frame: Int, leafPages: Int, pte: UnsafePointer<UInt64>?, pteLeft: Int) {
        let slot = (address &- pudBase) >> 30
        guard UInt(bitPattern: slot) < UInt(bitPattern: pudSlots) else { return (-1, 0, nil, 0) }
        let pudEntry = pud[slot]
        guard pudEntry & Self.present != 0 else { return (-1, 0, nil, 0) }
        if pudEntry & Self.leaf != 0 {
            let index = (address >> 12) & 0x3FFFF
            return (Int(truncatingIfNeeded: pudEntry >> 12) &+ index, (1 << 18) - index, nil, 0)
        }
        let pmdEntry = UnsafePointer<UInt64>(bitPattern: UInt(pudEntry & ~0xFFF)).unsafelyUnwrapped[(address >> 21) & 511]
        guard pmdEntry & Self.present != 0 else { return (-1, 0, nil, 0) }
        let index = (address >> 12) & 511
        if pmdEntry & Self.leaf != 0 {
            return (Int(truncatingIfNeeded: pmdEntry >> 12) &+ index, 512 - index, nil, 0)
        }
        let pte = UnsafePointer<UInt64>(bitPattern: UInt(pmdEntry & ~0xFFF)).unsafelyUnwrapped + index
        guard pte.pointee & Self.present != 0 else { return (-1, 0, nil, 0) }
        return (Int(truncatingIfNeeded: pte.pointee >> 12), 0, pte, 512 - index)
    }

    /// Counts of entries in use, for the layout note: PUD leaves, PMD leaves, PTEs.
    var tablesInUse: Int { tablesUsed }
}
