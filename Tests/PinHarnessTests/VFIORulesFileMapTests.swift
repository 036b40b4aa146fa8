import PinBackends
import PinCore
@testable import PinHarness
import PinSystem
import Testing

/// `vfio-rules` on a mapper that maps by file (`iommufd-file:<device>`, here `FileMapperFake`):
/// every rule maps a memfd through the file, by offset, never by address.
@Suite("vfio-rules through a file mapper")
struct VFIORulesFileMapTests {
    @Test("the rules map memfd regions by file offset and give the IOVA table's answers; entry-limit says why not")
    func rulesMapFiles() throws {
        var mappers: [FileMapperFake] = []
        let outcomes = try VFIORules.run([.overlap, .partialUnmap, .unmapNothing, .entryLimit], mapperName: "iommufd-file:vfio0") {
            () throws(SystemError) -> any DMAMapper in
            let mapper = FileMapperFake()
            mappers.append(mapper)
            return mapper
        }
        let answers = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.rule, $0.answer) })
        // A map by address would have been refused (EINVAL) as the setup's failure, not these answers.
        #expect(answers == [.overlap: "EEXIST", .partialUnmap: "EINVAL", .unmapNothing: "ENOENT", .entryLimit: "skipped"])
        #expect(outcomes.allSatisfy { $0.failure == nil && $0.mapper == "iommufd-file:vfio0" }, "\(outcomes.map(\.failure))")
        #expect(outcomes.first { $0.rule == .entryLimit }?.skipped?.contains("no entry limit") == true)
        let calls = mappers.flatMap { $0.calls.withLock { $0 } }
        let mib = 1 << 20
        #expect(calls.allSatisfy { $0.kind == .memfd })
        // overlap: the legal 2M at offset 0, then (refused, so not recorded) 2M at 2M; partial-unmap: 2M at 0.
        #expect(calls.map(\.offset) == [0, 0] && calls.map(\.length) == [2 * mib, 2 * mib], "\(calls)")
    }

    @Test("the rule memory is a memfd for a file mapper and anonymous otherwise")
    func ruleMemory() {
        #expect(VFIORules.ruleMemory(for: FileMapperFake()) == .memfd)
        #expect(VFIORules.ruleMemory(for: ShimDMAMapper()) == .anon)
    }
}
