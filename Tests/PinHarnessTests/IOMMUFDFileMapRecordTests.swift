import Foundation
import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import PinSystem
import Testing

/// A run whose vfio backend maps by file (`--vfio iommufd-file:<device>`, here over
/// `FileMapperFake`): each chunk goes to the mapper as an offset into the region's file, and
/// every record, table and summary says the file map was used.
@Suite("iommufd file map: records name IOMMU_IOAS_MAP_FILE")
struct IOMMUFDFileMapRecordTests {
    static let options = VFIOOptions(path: .iommufdFile(device: "/dev/vfio/devices/vfio0"))

    static func run(_ mapper: FileMapperFake, memory: MemoryKind = .memfd) throws -> [RunRecord] {
        let configuration = RunConfiguration(
            backendOptions: options, strategies: [.single, .user], threads: 2, size: .mib(8), memory: memory,
            repetitions: 1, warmups: 0, hostWarm: .off)
        let backend = VFIOBackend(mapper: mapper, options: options)
        return try Experiment(configuration, sharing: backend).run()
    }

    @Test("single maps the whole file in one call, user one slice each, by file offset; both verify by the file's blocks")
    func mapsByFileOffset() throws {
        let mapper = FileMapperFake()
        let records = try Self.run(mapper)
        #expect(records.count == 2 && records.allSatisfy(\.verified), "\(records.map { ($0.pinnedCheck, $0.unpinnedCheck, $0.error) })")
        let calls = mapper.calls.withLock { $0 }
        let base = VFIOBackend.iovaBase
        #expect(calls == [
            .init(kind: .memfd, offset: 0, length: 8 << 20, iova: base),
            .init(kind: .memfd, offset: 0, length: 4 << 20, iova: base),
            .init(kind: .memfd, offset: 4 << 20, length: 4 << 20, iova: base + UInt64(4 << 20)),
        ] || calls == [
            .init(kind: .memfd, offset: 0, length: 8 << 20, iova: base),
            .init(kind: .memfd, offset: 4 << 20, length: 4 << 20, iova: base + UInt64(4 << 20)),
            .init(kind: .memfd, offset: 0, length: 4 << 20, iova: base),
        ], "\(calls)")
        // A file map fills the page cache without mapping it: residency is the file's.
        #expect(records.allSatisfy { $0.pinnedCheck.contains("8M of 8M allocated in the file (st_blocks)") },
                "\(records.map(\.pinnedCheck))")
    }

    @Test("each record carries the path (vfio: iommufd-file:...) in its JSON, and the mapper that names the ioctl")
    func recordsNameTheFileMap() throws {
        let records = try Self.run(FileMapperFake())
        for record in records {
            #expect(record.backendOptions == "iommufd-file:/dev/vfio/devices/vfio0")
            #expect(record.backendMetrics?[VFIOMetric.mapper]?.contains("IOMMU_IOAS_MAP_FILE") == true)
            let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any]
            #expect(json?["vfio"] as? String == "iommufd-file:/dev/vfio/devices/vfio0", "\(String(describing: json))")
        }
        let table = RunReport(title: "pinbench run: \(Self.options.titled)", machineLine: "test", records: records).render(.markdown)
        #expect(table.contains("vfio (iommufd-file:/dev/vfio/devices/vfio0)"))
        #expect(table.contains("IOMMU_IOAS_MAP_FILE"), "\(table)")
    }

    @Test("a sweep's summary names the options its backends were given, so file-map rows read apart from IOAS_MAP ones")
    func sweepSummaryNamesTheFileMap() {
        let specification = SweepSpecification(
            backends: [.vfio], memory: [.memfd], sizes: [.mib(8)], threads: [1], repetitions: 1, warmups: 0, seed: 1,
            backendOptions: [Self.options], commandLine: "pinbench sweep (test)")
        #expect(SweepReport.optionsLine(specification) == "Options: vfio (iommufd-file:/dev/vfio/devices/vfio0)  ")
        // What `report --compare` puts beside each set's name.
        #expect(SweepReport.options(of: specification) == "vfio (iommufd-file:/dev/vfio/devices/vfio0)")
        let byAddress = SweepSpecification(
            backends: [.vfio], memory: [.memfd], sizes: [.mib(8)], threads: [1], repetitions: 1, warmups: 0, seed: 1,
            backendOptions: [VFIOOptions(path: .iommufd(device: "/dev/vfio/devices/vfio0"))], commandLine: "pinbench sweep (test)")
        #expect(SweepReport.optionsLine(byAddress) == "Options: vfio (iommufd:/dev/vfio/devices/vfio0)  ")
        let none = SweepSpecification(backends: [.populate], memory: [.anon], sizes: [.mib(8)], threads: [1], repetitions: 1,
                                      warmups: 0, seed: 1, commandLine: "pinbench sweep (test)")
        #expect(SweepReport.optionsLine(none) == nil)
    }
}
