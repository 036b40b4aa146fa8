#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem
import Synchronization

/// A `DMAMapper` that maps by file as `IOMMU_IOAS_MAP_FILE` does, without a device: it keeps
/// type1's IOVA table (`TableMapperFake`'s), fills the mapped range of the region's file (the
/// page cache a file map pins) and records every call, so the harness around a file mapper can
/// be tested here.
final class FileMapperFake: TableMapperFake, @unchecked Sendable {
    /// One map call as the fake saw it.
    struct Call: Equatable {
        var kind: MemoryKind
        var offset: Int
        var length: Int
        var iova: UInt64
    }

    override var name: String { "iommufd-file fake (IOMMU_IOAS_MAP_FILE)" }
    override var mapsFiles: Bool { true }

    let calls = Mutex<[Call]>([])

    /// A file mapper has no address map: as the real one, it refuses.
    override func map(vaddr: Int, length: Int, iova: UInt64) throws(SystemError) {
        throw SystemError("\(name): a map by address", errno: EINVAL)
    }

    override func map(_ region: Region, offset: Int, length: Int, iova: UInt64) throws(SystemError) {
        guard region.file != nil else { throw SystemError("IOMMU_IOAS_MAP_FILE of \(region.kind)", errno: EINVAL) }
        try record(iova: iova, length: length, vaddr: region.address + offset)
        // What memfd_pin_folios does to the file: its folios allocated.
        region.pointer(at: offset).initializeMemory(as: UInt8.self, repeating: 1, count: length)
        calls.withLock { $0.append(Call(kind: region.kind, offset: offset, length: length, iova: iova)) }
    }
}
