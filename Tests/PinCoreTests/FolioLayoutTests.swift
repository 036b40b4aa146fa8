import Foundation
import PinCore
import Testing

@Suite("Folio layouts")
struct FolioLayoutTests {
    /// One folio as `forEachFolio` reports it, so sequences can be compared with `==`.
    struct Folio: Equatable {
        var firstPage: Int
        var order: Int
    }

    static let page = PageSize.base.bytes
    /// 1 TiB: aligned to every folio size, so only the layout decides where folios go.
    static let alignedAddress = 1 << 40

    static func folios(_ layout: FolioLayout, address: Int, size: Int, memory: MemoryKind = .anon) -> [Folio] {
        var result: [Folio] = []
        layout.forEachFolio(address: address, size: size, memory: memory) { result.append(Folio(firstPage: $0, order: $1)) }
        return result
    }

    /// Every folio starts where the one before it ended, and the last ends at the range's end.
    static func expectTiles(_ folios: [Folio], size: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        var next = 0
        for folio in folios {
            guard folio.firstPage == next else {
                Issue.record("folio at page \(folio.firstPage), expected \(next)", sourceLocation: sourceLocation)
                return
            }
            next = folio.firstPage + (1 << folio.order)
        }
        #expect(next == size / page, "the folios end at page \(next)", sourceLocation: sourceLocation)
    }

    /// Every head's virtual address is a multiple of its own folio size.
    static func expectHeadsAligned(_ folios: [Folio], address: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let misaligned = folios.filter { (address + $0.firstPage * page) % (page << $0.order) != 0 }
        // The count, not the array, so a failure prints a short message.
        #expect(misaligned.count == 0, "first misaligned heads: \(misaligned.prefix(4))", sourceLocation: sourceLocation)
    }

    // MARK: Parsing and Codable

    @Test("memory, mixed:<seed> (any case) and pagemap parse")
    func parses() throws {
        #expect(try FolioLayout(parsing: "memory") == .memory)
        #expect(try FolioLayout(parsing: "MIXED:42") == .mixed(seed: 42))
        #expect(try FolioLayout(parsing: "pagemap") == .pagemap)
        #expect(FolioLayout.mixed(seed: 7).description == "mixed:7")
        // Only pagemap needs the kernel's real memory.
        #expect(FolioLayout.memory.isSynthetic && FolioLayout.mixed(seed: 1).isSynthetic)
        #expect(!FolioLayout.pagemap.isSynthetic)
    }

    @Test("an unknown layout or a mixed without a numeric seed is refused, naming the three choices",
          arguments: ["mixed", "mixed:x", "folio", "mixed:-1", ""])
    func refusesBadInput(text: String) {
        do {
            let layout = try FolioLayout(parsing: text)
            Issue.record("'\(text)' parsed as \(layout)")
        } catch {
            guard case .invalidParameter = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("'\(text)'"))
            for choice in ["memory", "mixed:<seed>", "pagemap"] {
                #expect(error.description.contains(choice), "no \(choice) in: \(error.description)")
            }
        }
    }

    @Test("the Codable form is the plain string, and a bad string does not decode")
    func codable() throws {
        let data = try JSONEncoder().encode(FolioLayout.mixed(seed: 42))
        #expect(String(decoding: data, as: UTF8.self) == "\"mixed:42\"")
        #expect(try JSONDecoder().decode(FolioLayout.self, from: data) == .mixed(seed: 42))
        #expect(try JSONDecoder().decode(FolioLayout.self, from: Data("\"pagemap\"".utf8)) == .pagemap)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(FolioLayout.self, from: Data("\"folio\"".utf8))
        }
    }

    // MARK: memory

    @Test("memory gives every folio the kind's size, aligned, tiling the range",
          arguments: [MemoryKind.anon, .mthp16k, .mthp64k, .thp, .hugetlb2m, .hugetlb1g])
    func memoryLayout(kind: MemoryKind) {
        let size = 2 << 30
        let order = kind.folioSize.basePages.trailingZeroBitCount
        let folios = Self.folios(.memory, address: Self.alignedAddress, size: size, memory: kind)
        #expect(folios.count == size / kind.folioSize.bytes)
        #expect(folios.allSatisfy { $0.order == order }, "orders: \(Set(folios.map(\.order)))")
        Self.expectHeadsAligned(folios, address: Self.alignedAddress)
        Self.expectTiles(folios, size: size)
    }

    @Test("memory fills unaligned ends with 4 KiB pages and keeps 2 MiB heads aligned")
    func memoryUnalignedEnds() throws {
        let address = Self.alignedAddress + (1 << 20)  // 1 MiB past a 2 MiB boundary
        let size = 6 << 20
        var expected = FolioCensus()
        expected.add(order: 0, count: 512)  // 256 leading and 256 trailing
        expected.add(order: 9, count: 2)
        #expect(FolioLayout.memory.census(address: address, size: size, memory: .thp) == expected)

        let folios = Self.folios(.memory, address: address, size: size, memory: .thp)
        #expect(folios.prefix(256).allSatisfy { $0.order == 0 })
        #expect(folios.suffix(256).allSatisfy { $0.order == 0 })
        let huge = folios.filter { $0.order == 9 }
        #expect(huge == [Folio(firstPage: 256, order: 9), Folio(firstPage: 768, order: 9)])
        Self.expectHeadsAligned(folios, address: address)
        Self.expectTiles(folios, size: size)
    }

    // MARK: mixed

    @Test("mixed is reproducible from its seed and differs between seeds")
    func mixedSeeds() {
        let size = 64 << 20
        let first = Self.folios(.mixed(seed: 42), address: Self.alignedAddress, size: size)
        #expect(first == Self.folios(.mixed(seed: 42), address: Self.alignedAddress, size: size))
        #expect(first != Self.folios(.mixed(seed: 43), address: Self.alignedAddress, size: size))
    }

    @Test("mixed over 8 GiB mixes at least three sizes from 1G, 2M, 64K, 16K and 4K, aligned and tiling")
    func mixedOrders() {
        let size = 8 << 30
        let folios = Self.folios(.mixed(seed: 42), address: Self.alignedAddress, size: size)
        let orders = Set(folios.map(\.order))
        #expect(orders.isSubset(of: [18, 9, 4, 2, 0]), "orders: \(orders.sorted())")
        #expect(orders.count >= 3, "orders: \(orders.sorted())")
        Self.expectHeadsAligned(folios, address: Self.alignedAddress)
        Self.expectTiles(folios, size: size)
    }

    @Test("mixed keeps heads aligned at an address aligned to no folio size but 4 KiB")
    func mixedUnalignedAddress() {
        let address = Self.alignedAddress + (3 << 12)
        let size = (64 << 20) + (5 << 12)
        let folios = Self.folios(.mixed(seed: 9), address: address, size: size)
        // The first page is aligned to no larger folio, so it must be a 4 KiB page.
        #expect(folios.first == Folio(firstPage: 0, order: 0))
        #expect(folios.contains { $0.order == 9 }, "64 MiB should hold some 2 MiB folio")
        Self.expectHeadsAligned(folios, address: address)
        Self.expectTiles(folios, size: size)
    }

    // MARK: FolioCensus

    @Test("a census counts folios and base pages per order")
    func censusCounts() {
        var census = FolioCensus()
        census.add(order: 9, count: 3)
        census.add(order: 0)
        census.add(order: 18, count: 2)
        census.add(order: 9)
        #expect(census.count(order: 9) == 4)
        #expect(census.count(order: 0) == 1)
        #expect(census.count(order: 4) == 0)
        #expect(census.folios == 7)
        #expect(census.basePages == 2 * 262_144 + 4 * 512 + 1)
    }

    @Test("a census prints largest folios first, and 'no folios' when empty")
    func censusDescription() {
        var census = FolioCensus()
        #expect(census.description == "no folios")
        census.add(order: 0)
        census.add(order: 9, count: 3)
        census.add(order: 18, count: 2)
        #expect(census.description == "2 x 1G, 3 x 2M, 1 x 4K")
    }
}
