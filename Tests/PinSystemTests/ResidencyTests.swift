import PinCore
import PinSystem
import Testing

@Suite("Residency: mincore and pagemap count what is there")
struct ResidencyTests {
    @Test("touching every other page makes exactly half resident and mapped")
    func halfResident() throws {
        let region = try Region.map(kind: .anon, size: .mib(8))
        for page in stride(from: 0, to: region.basePages, by: 2) {
            region.base.storeBytes(of: 1, toByteOffset: page * 4096, as: UInt8.self)
        }
        #expect(try Residency.residentBasePages(region.base, length: region.size.bytes) == region.basePages / 2)
        #expect(try Residency.mappedBasePages(region.base, length: region.size.bytes) == region.basePages / 2)
    }

    @Test("ranges larger than one window are counted whole")
    func manyWindows() throws {
        let region = try Region.map(kind: .anon, size: .mib(300))  // 76800 pages > one 65536-page window
        for page in stride(from: 0, to: region.basePages, by: 100) {
            region.base.storeBytes(of: 1, toByteOffset: page * 4096, as: UInt8.self)
        }
        #expect(try Residency.residentBasePages(region.base, length: region.size.bytes) == 768)
    }
}
