#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem
import Synchronization

/// A `DMAMapper` that maps by address into an IOVA table and writes every page (so the region is
/// resident), pinning nothing: a harness test around a mapper reads no process-wide counter that
/// another suite moves at the same time. `FileMapperFake` maps by file over the same table.
class TableMapperFake: DMAMapper, @unchecked Sendable {
    var name: String { "table fake" }
    var entryLimit: Int { Int.max }
    var containerLock: VFIOOptions.ContainerLock { .iommufd }
    var mapsFiles: Bool { false }

    private let table = Mutex(IOVATable(entryLimit: Int.max))
    private let statistics = Mutex(DMAMapperStatistics())

    func map(vaddr: Int, length: Int, iova: UInt64) throws(SystemError) {
        try record(iova: iova, length: length, vaddr: vaddr)
        UnsafeMutableRawPointer(bitPattern: vaddr)!.initializeMemory(as: UInt8.self, repeating: 1, count: length)
    }

    /// By address, as the protocol's default does; declared here so a subclass can map by file.
    func map(_ region: Region, offset: Int, length: Int, iova: UInt64) throws(SystemError) {
        try map(vaddr: region.address + offset, length: length, iova: iova)
    }

    /// One map call in the table and the statistics.
    func record(iova: UInt64, length: Int, vaddr: Int) throws(SystemError) {
        try table.withLock { table throws(SystemError) in try table.insert(IOVATable.Entry(iova: iova, length: length, vaddr: vaddr)) }
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
