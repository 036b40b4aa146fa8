@testable import PinBackends
import PinContract
import PinCore
import PinSystem
import Testing

@Suite("Residency through the region's file, for pins that never map (memfd_pin_folios)")
struct FileAllocationTests {
    @Test("a fresh memfd has nothing allocated; once populated every page is; a private kind has no file to ask")
    func memfd() throws {
        let region = try Region.map(kind: .memfd, size: .mib(8))
        let empty = Verification.fileAllocated(region)
        #expect(!empty.passed && empty.detail.contains("0 of 8M"), "\(empty)")
        try PopulateBackend().pin(region, Chunk(offset: 0, length: region.size.bytes))
        let full = Verification.fileAllocated(region)
        #expect(full.passed, "\(full)")
        let anon = try Region.map(kind: .anon, size: .mib(4))
        #expect(!Verification.fileAllocated(anon).passed)
    }
}
