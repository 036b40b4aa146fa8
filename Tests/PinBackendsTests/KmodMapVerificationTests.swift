@testable import PinBackends
import PinCore
@testable import PinSystem
import Testing

@Suite("kmod map mode: what the module's own check of a mapping must say for a run to verify")
struct KmodMapVerificationTests {
    static let chunk = Chunk(offset: 0, length: 8 << 20)
    static let idle = PinBenchModule.Phases(ioctlSeconds: 0, setupSeconds: 0, workSeconds: 0, gupSeconds: 0, recordSeconds: 0,
                                            mapSeconds: 0, verifySeconds: 0, finishSeconds: 0)

    static func call(_ check: PinBenchModule.MapCheck?) -> PinBenchModule.Call {
        PinBenchModule.Call(totalSeconds: 0.01, pages: 2048, folios: 4, workers: [], runBytes: 1024, mapCheck: check)
    }

    static func status(mapped: Int) -> PinBenchModule.FileStatus {
        PinBenchModule.FileStatus(pages: 2048, folios: 4, chunks: 1, runBytes: 1024, mappedBytes: mapped, pinPhases: idle,
                                  unpinPhases: idle)
    }

    @Test("the chunk's bytes mapped, two lookups per segment, none wrong: no problem")
    func good() {
        let check = PinBenchModule.MapCheck(bytes: 8 << 20, segments: 4, checked: 8, wrong: 0)
        #expect(KmodBackend.mapProblems(Self.chunk, call: Self.call(check), status: Self.status(mapped: 8 << 20)).isEmpty)
    }

    @Test("each way a mapping can be wrong is a problem naming it", arguments: [
        (PinBenchModule.MapCheck(bytes: 4 << 20, segments: 2, checked: 4, wrong: 0), 8 << 20, "bytes mapped"),
        (PinBenchModule.MapCheck(bytes: 8 << 20, segments: 4, checked: 8, wrong: 1), 8 << 20, "resolve elsewhere"),
        (PinBenchModule.MapCheck(bytes: 8 << 20, segments: 4, checked: 6, wrong: 0), 8 << 20, "resolve elsewhere"),
        (PinBenchModule.MapCheck(bytes: 8 << 20, segments: 0, checked: 0, wrong: 0), 8 << 20, "resolve elsewhere"),
        (PinBenchModule.MapCheck(bytes: 8 << 20, segments: 4, checked: 8, wrong: 0), 0, "module holds 0"),
    ] as [(PinBenchModule.MapCheck, Int, String)])
    func bad(check: PinBenchModule.MapCheck, held: Int, says: String) {
        let problems = KmodBackend.mapProblems(Self.chunk, call: Self.call(check), status: Self.status(mapped: held))
        #expect(problems.contains { $0.contains(says) }, "\(problems)")
    }

    @Test("a call that mapped nothing in map mode is a problem")
    func nothingMapped() {
        let problems = KmodBackend.mapProblems(Self.chunk, call: Self.call(nil), status: Self.status(mapped: 0))
        #expect(problems.count == 1 && problems[0].hasSuffix("the module says nothing was mapped"), "\(problems)")
    }
}
