import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import PinSystem
import Testing

/// `--vfio iommufd-file` on memory that is no file is refused by run (Experiment), sweep
/// (a skipped cell) and hold, with the kinds that work, before any device is opened: on this
/// machine, without /dev/iommu, anything later would fail with "no /dev/iommu" instead.
@Suite("iommufd file map: non-file memory refused before the device")
struct FileMapRefusalBeforeDeviceTests {
    static let options = VFIOOptions(path: .iommufdFile(device: "/dev/vfio/devices/vfio0"))

    static func expectRefusal(_ error: HarnessError?, _ kind: MemoryKind) {
        guard case .invalidInput(let message) = error else {
            Issue.record("expected invalidInput, got \(String(describing: error))")
            return
        }
        #expect(message == Self.options.refusal(memory: kind))
        #expect(message.contains("\(kind) memory is no file"))
        #expect(message.contains("memfd, memfd-hugetlb-2m, memfd-hugetlb-1g, hugetlbfs-2m, hugetlbfs-1g"))
    }

    @Test("run refuses anon, thp and hugetlb-2m", arguments: [MemoryKind.anon, .thp, .hugetlb2m])
    func run(kind: MemoryKind) {
        let configuration = RunConfiguration(backendOptions: Self.options, strategies: [.single], threads: 1, size: .mib(4),
                                             memory: kind, repetitions: 1, warmups: 0, hostWarm: .off)
        let error = #expect(throws: HarnessError.self) { _ = try Experiment(configuration) }
        Self.expectRefusal(error, kind)
    }

    @Test("hold refuses anon")
    func hold() {
        let error = #expect(throws: HarnessError.self) {
            _ = try Hold(HoldConfiguration(backendOptions: Self.options, memory: .anon, size: .mib(4), seconds: 1))
        }
        Self.expectRefusal(error, .anon)
    }

    @Test("a sweep skips the anon cells with the refusal")
    func sweepSkips() throws {
        let specification = SweepSpecification(
            backends: [.vfio], memory: [.anon], sizes: [.mib(4)], threads: [1], strategies: [.single], repetitions: 1, warmups: 0,
            seed: 1, backendOptions: [Self.options], commandLine: "pinbench sweep (test)")
        let (runnable, skipped) = specification.experiments(for: specification.cells)
        #expect(runnable.isEmpty)
        #expect(skipped.count == 1 && skipped[0].reason.contains("anon memory is no file"), "\(skipped.map(\.reason))")
    }

    @Test("a vfio backend around a file mapper refuses anon in its capacity check too, and takes memfd")
    func backendRefuses() throws {
        let backend = VFIOBackend(mapper: FileMapperFake(), options: Self.options)
        let error = #expect(throws: SystemError.self) { try backend.checkCapacity(kind: .anon, size: .mib(4)) }
        #expect(error?.hint == Self.options.refusal(memory: .anon))
        try backend.checkCapacity(kind: .memfd, size: .mib(4))
    }
}
