#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem
import Synchronization

/// A `DMAMapper` that maps by file as `IOMMU_IOAS_MAP_FILE` does, without a device: it keeps
/// type1's IOVA table, fills the mapped range of the region's file (the page cache a file map
/// pins) and records every call, so the harness around a file mapper can be tested here.
final class FileMapperFake: DMAMapper, @unchecked Sendable {
    /// One map call as the fake saw it.
    struct Call: Equatable {
        var kind: MemoryKind
        var offset: Int
        var length: Int
        var iova: UInt64
    }

    let name = "iommufd-file fake (IOMMU_IOAS_MAP_FILE)"
    var entryLimit: Int { Int.max }
    var containerLock: VFIOOptions.ContainerLock { .iommufd }
    var mapsFiles: Bool { true }

    private let table = Mutex(IOVATable(entryLimit: Int.max))
    let calls = Mutex<[Call]>([])
    private let statistics = Mutex(DMAMapperStatistics())

    /// A file mapper has no address map: as the real one, it refuses.
    func map(vaddr: Int, length: Int, iova: UInt64) throws(SystemError) {
        throw SystemError("\(name): a map by address", errno: EINVAL)
    }

    func map(_ region: Region, offset: Int, length: Int, iova: UInt64) throws(SystemError) {
        guard region.file != nil else { throw SystemError("IOMMU_IOAS_MAP_FILE of \(region.kind)", errno: EINVAL) }
        try table.withLock { table throws(SystemError) in
            try table.insert(IOVATable.Entry(iova: iova, length: length, vaddr: region.address + offset))
        }
        // What memfd_pin_folios does to the file: its folios allocated.
        region.pointer(at: offset).initializeMemory(as: UInt8.self, repeating: 1, count: length)
        calls.withLock { $0.append(Call(kind: region.kind, offset: offset, length: length, iova: iova)) }
        statistics.withLock { $0.mapCalls += 1 }
    }

    func unmap(iova: UInt64, length: Int) throws(SystemError) {
        _ = try table.withLock { table throws(SystemError) in try table.remove(iova: iova, length: length) }
        statistics.withLock { $0.unmapCalls += 1 }
    }

    var entryCount: Int { table.withLock { $0.count } }

    func takeStatistics() -> DMAMapperStatistics {
        statistics.withLock { current in
            defer { current = DMAMapperStatistics() }
            return current
        }
    }

    func verifyMapped(_ region: Region, baseline: ProcStatus) -> Verification {
        let mapped = table.withLock { $0.mappedBytes }
        return Verification(passed: mapped == region.size.bytes, detail: "fake table maps \(ByteSize(mapped))")
    }

    func verifyUnmapped(_ region: Region, baseline: ProcStatus) -> Verification {
        Verification(passed: entryCount == 0, detail: "\(entryCount) fake entries")
    }
}
