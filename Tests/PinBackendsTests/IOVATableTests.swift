#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinSystem
import Testing

/// The shim's IOVA table with VFIO type1's rules: no overlap (EEXIST), `dma_entry_limit`
/// (ENOSPC), no bisecting unmap (EINVAL), nothing to unmap (ENOENT).
@Suite("IOVATable")
struct IOVATableTests {
    static let page = 4096

    static func entry(_ iova: UInt64, _ length: Int, vaddr: Int = 0x7000_0000) -> IOVATable.Entry {
        IOVATable.Entry(iova: iova, length: length, vaddr: vaddr)
    }

    /// A table holding [0x10000, 0x12000) and [0x20000, 0x24000).
    static func twoEntries() throws -> IOVATable {
        var table = IOVATable()
        try table.insert(entry(0x10000, 2 * page, vaddr: 0x1000_0000))
        try table.insert(entry(0x20000, 4 * page, vaddr: 0x2000_0000))
        return table
    }

    /// The errno of the SystemError that `body` throws, or nil when it throws nothing.
    static func errno(_ body: () throws(SystemError) -> Void) -> Int32? {
        do {
            try body()
            return nil
        } catch {
            return error.errno
        }
    }

    @Test("a new table is empty with the kernel's default limit")
    func empty() {
        let table = IOVATable()
        #expect(IOVATable.defaultEntryLimit == 65535)
        #expect(table.entryLimit == 65535)
        #expect(table.count == 0)
        #expect(table.entries.isEmpty)
        #expect(table.peakCount == 0)
        #expect(table.mappedBytes == 0)
    }

    @Test("Entry.end is iova plus length")
    func entryEnd() {
        #expect(Self.entry(0x10000, 3 * Self.page).end == 0x13000)
    }

    @Test("inserts keep entries sorted by IOVA whatever the order")
    func sorted() throws {
        var table = IOVATable()
        try table.insert(Self.entry(0x30000, Self.page, vaddr: 3))
        try table.insert(Self.entry(0x10000, Self.page, vaddr: 1))
        try table.insert(Self.entry(0x20000, 2 * Self.page, vaddr: 2))
        #expect(table.entries.map(\.iova) == [0x10000, 0x20000, 0x30000])
        #expect(table.entries.map(\.vaddr) == [1, 2, 3])
        #expect(table.count == 3)
        #expect(table.mappedBytes == 4 * Self.page)
    }

    @Test("adjacent entries on either side are allowed")
    func adjacent() throws {
        var table = IOVATable()
        try table.insert(Self.entry(0x10000, 0x1000))
        try table.insert(Self.entry(0x11000, 0x1000))  // starts where the first ends
        try table.insert(Self.entry(0xF000, 0x1000))  // ends where the first starts
        #expect(table.entries.map(\.iova) == [0xF000, 0x10000, 0x11000])
        #expect(table.mappedBytes == 0x3000)
    }

    static let overlapping: [(UInt64, Int)] = [
        (0x10000, 2 * 4096),  // identical
        (0x11000, 2 * 4096),  // overlaps the end
        (0x0F000, 2 * 4096),  // overlaps the start
        (0x11000, 1),  // the first byte of the second page
        (0x10800, 16),  // strictly inside
        (0x0F000, 8 * 4096),  // covers it
        (0x11FFF, 1),  // the last byte only
        (0x1F000, 2 * 4096),  // overlaps the second entry's start
        (0x11000, 0x10000),  // spans both entries
    ]

    @Test(
        "any overlap is EEXIST and leaves the table unchanged",
        arguments: overlapping)
    func overlap(iova: UInt64, length: Int) throws {
        var table = try Self.twoEntries()
        let before = table.entries
        #expect(Self.errno { () throws(SystemError) in try table.insert(Self.entry(iova, length)) } == EEXIST)
        #expect(table.entries == before)
        #expect(table.peakCount == 2)
    }

    @Test("the EEXIST error names the mapping it overlaps")
    func overlapMessage() throws {
        var table = try Self.twoEntries()
        let error = #expect(throws: SystemError.self) { try table.insert(Self.entry(0x21000, 0x1000)) }
        #expect(error?.errno == EEXIST)
        #expect(error?.operation.contains("VFIO_IOMMU_MAP_DMA at iova 0x21000") == true)
        #expect(error?.hint?.contains("0x20000") == true)
    }

    @Test("a zero or negative length is EINVAL")
    func zeroLength() {
        var table = IOVATable()
        #expect(Self.errno { () throws(SystemError) in try table.insert(Self.entry(0x10000, 0)) } == EINVAL)
        #expect(Self.errno { () throws(SystemError) in try table.insert(Self.entry(0x10000, -4096)) } == EINVAL)
        #expect(table.count == 0)
        #expect(table.peakCount == 0)
    }

    @Test("a range that wraps past 2^64 is EINVAL")
    func overflow() throws {
        var table = IOVATable()
        #expect(Self.errno { () throws(SystemError) in try table.insert(Self.entry(UInt64.max - 0xFFF, 0x1001)) } == EINVAL)
        #expect(Self.errno { () throws(SystemError) in try table.insert(Self.entry(UInt64.max - 0xFFF, Int.max)) } == EINVAL)
        #expect(table.count == 0)
        // Ending one page below 2^64 is fine.
        try table.insert(Self.entry(UInt64.max - 0x1FFF, 0x1000))
        #expect(table.entries.map(\.end) == [UInt64.max - 0xFFF])
    }

    @Test("a small entry limit refuses the next insert with ENOSPC")
    func smallLimit() throws {
        var table = IOVATable(entryLimit: 3)
        #expect(table.entryLimit == 3)
        for index in 0..<3 { try table.insert(Self.entry(UInt64(index) * 0x1000, 0x1000)) }
        let error = #expect(throws: SystemError.self) { try table.insert(Self.entry(0x10000, 0x1000)) }
        #expect(error?.errno == ENOSPC)
        #expect(error?.hint?.contains("dma_entry_limit (3)") == true)
        #expect(table.count == 3)
        #expect(table.peakCount == 3)
        // An overlapping insert at the limit reports the overlap, as type1 checks it first.
        #expect(Self.errno { () throws(SystemError) in try table.insert(Self.entry(0x1000, 0x1000)) } == EEXIST)
        // Removing one makes room again.
        #expect(try table.remove(iova: 0x1000, length: 0x1000) == [Self.entry(0x1000, 0x1000)])
        try table.insert(Self.entry(0x10000, 0x1000))
        #expect(table.count == 3)
        #expect(table.entries.map(\.iova) == [0x0, 0x2000, 0x10000])
    }

    @Test("a limit of zero refuses the first insert")
    func zeroLimit() {
        var table = IOVATable(entryLimit: 0)
        #expect(Self.errno { () throws(SystemError) in try table.insert(Self.entry(0, 0x1000)) } == ENOSPC)
        #expect(table.count == 0)
    }

    @Test("the default limit: 65535 one-page entries fit, the 65536th is ENOSPC")
    func defaultLimit() throws {
        var table = IOVATable()
        // Ascending IOVAs: each insert appends, so this stays fast.
        for index in 0..<65535 {
            try table.insert(IOVATable.Entry(iova: UInt64(index) << 12, length: 4096, vaddr: index << 12))
        }
        #expect(table.count == 65535)
        #expect(table.peakCount == 65535)
        #expect(table.mappedBytes == 65535 * 4096)
        #expect(Self.errno { () throws(SystemError) in
            try table.insert(IOVATable.Entry(iova: UInt64(65535) << 12, length: 4096, vaddr: 0))
        } == ENOSPC)
        #expect(table.count == 65535)
    }

    @Test("remove of one exact entry returns it")
    func removeExact() throws {
        var table = try Self.twoEntries()
        let removed = try table.remove(iova: 0x20000, length: 4 * Self.page)
        #expect(removed == [Self.entry(0x20000, 4 * Self.page, vaddr: 0x2000_0000)])
        #expect(table.entries == [Self.entry(0x10000, 2 * Self.page, vaddr: 0x1000_0000)])
        #expect(table.mappedBytes == 2 * Self.page)
    }

    @Test("remove of a range covering several entries returns them in IOVA order")
    func removeSeveral() throws {
        var table = IOVATable()
        try table.insert(Self.entry(0x30000, 0x1000, vaddr: 3))
        try table.insert(Self.entry(0x10000, 0x1000, vaddr: 1))
        try table.insert(Self.entry(0x50000, 0x1000, vaddr: 5))
        try table.insert(Self.entry(0x20000, 0x2000, vaddr: 2))
        // [0x18000, 0x40000) holds the 0x20000 and 0x30000 entries, with gaps around them.
        let removed = try table.remove(iova: 0x18000, length: 0x28000)
        #expect(removed == [Self.entry(0x20000, 0x2000, vaddr: 2), Self.entry(0x30000, 0x1000, vaddr: 3)])
        #expect(table.entries == [Self.entry(0x10000, 0x1000, vaddr: 1), Self.entry(0x50000, 0x1000, vaddr: 5)])
        // Everything left, in one call.
        let rest = try table.remove(iova: 0, length: 0x100000)
        #expect(rest.map(\.vaddr) == [1, 5])
        #expect(table.count == 0)
        #expect(table.mappedBytes == 0)
    }

    static let emptyRanges: [(UInt64, Int)] = [
        (0x0, 0x10000),  // ends where the first starts
        (0x12000, 0xE000),  // the gap between them, exactly
        (0x24000, 0x1000),  // just after the last
        (0x13000, 0x1000),  // inside the gap
    ]

    @Test(
        "remove of a range with no entry is ENOENT",
        arguments: emptyRanges)
    func removeNothing(iova: UInt64, length: Int) throws {
        var table = try Self.twoEntries()
        let before = table.entries
        #expect(Self.errno { () throws(SystemError) in _ = try table.remove(iova: iova, length: length) } == ENOENT)
        #expect(table.entries == before)
    }

    @Test("remove on an empty table is ENOENT")
    func removeEmpty() {
        var table = IOVATable()
        #expect(Self.errno { () throws(SystemError) in _ = try table.remove(iova: 0, length: 0x1000) } == ENOENT)
    }

    static let cuttingRanges: [(UInt64, Int)] = [
        (0x10000, 0x1000),  // the first half of the first entry
        (0x11000, 0x1000),  // the second half of the first entry
        (0x11000, 0x10000),  // cuts the first, covers the second
        (0x10000, 0x11000),  // covers the first, cuts the second
        (0x21000, 0x1000),  // inside the second
        (0x0, 0x21000),  // from below, ending inside the second
    ]

    @Test(
        "remove of a range that cuts an entry is EINVAL and removes nothing",
        arguments: cuttingRanges)
    func removeCut(iova: UInt64, length: Int) throws {
        var table = try Self.twoEntries()
        let before = table.entries
        let error = #expect(throws: SystemError.self) { _ = try table.remove(iova: iova, length: length) }
        #expect(error?.errno == EINVAL)
        #expect(error?.operation.contains("VFIO_IOMMU_UNMAP_DMA") == true)
        #expect(table.entries == before)
    }

    @Test("peakCount keeps the maximum until resetPeak starts from the current count")
    func peak() throws {
        var table = IOVATable()
        for index in 0..<4 { try table.insert(Self.entry(UInt64(index) * 0x1000, 0x1000)) }
        #expect(table.peakCount == 4)
        _ = try table.remove(iova: 0, length: 0x3000)
        #expect(table.count == 1)
        #expect(table.peakCount == 4)
        // A failed insert does not move the peak.
        #expect(Self.errno { () throws(SystemError) in try table.insert(Self.entry(0x3000, 0x1000)) } == EEXIST)
        #expect(table.peakCount == 4)
        table.resetPeak()
        #expect(table.peakCount == 1)
        try table.insert(Self.entry(0x10000, 0x1000))
        #expect(table.peakCount == 2)
        _ = try table.remove(iova: 0x10000, length: 0x1000)
        _ = try table.remove(iova: 0x3000, length: 0x1000)
        #expect(table.peakCount == 2)
        table.resetPeak()
        #expect(table.peakCount == 0)
    }
}
