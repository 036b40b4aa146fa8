import PinBackends
import PinContract
@testable import PinHarness
import PinCore
import Testing

@Suite("Summary table from records")
struct SummaryTableTests {
    static func record(_ strategy: String, pin: Double, unpin: Double = 0.01, verified: Bool = true,
                       warmup: Bool = false, implementation: String = "pinbench") -> RunRecord {
        RunRecord(
            implementation: RunRecord.Implementation(rawValue: implementation)!, strategy: Strategy(rawValue: strategy)!, backend: .populate, memory: .thp, threads: 2,
            workers: strategy == "single" ? 1 : 2, sizeBytes: 1 << 30, pages: 262_144, rep: 0, warmup: warmup,
            prefault: false, pinSeconds: pin, unpinSeconds: unpin, threadStartSeconds: strategy == "user" ? 1e-4 : 0,
            poolStartSeconds: nil, chunks: 1, chunkBytes: nil, cutAlignBytes: 4096, cutsInsideFolio: 0,
            minChunkBytes: nil, maxThreads: nil, verified: verified, pinnedCheck: verified ? "ok" : "FAILED: 1/2",
            unpinnedCheck: "ok", error: nil, perThread: [])
    }

    @Test("medians, GiB/s and speedup over single; warm-ups and failures left out")
    func summary() throws {
        let records = [
            Self.record("single", pin: 9.0, warmup: true),
            Self.record("single", pin: 0.4), Self.record("single", pin: 0.5), Self.record("single", pin: 0.6),
            Self.record("user", pin: 0.25), Self.record("user", pin: 0.2), Self.record("user", pin: 99, verified: false),
            Self.record("single", pin: 0.45, implementation: "c-baseline"),
            Self.record("user", pin: 0.2, implementation: "c-baseline"),
        ]
        let table = SummaryTable(records: records)
        #expect(table.rows.map(\.variant) == ["single", "user", "C single", "C user"])
        let single = table.rows[0], user = table.rows[1], cUser = table.rows[3]
        #expect(single.pin?.median == 0.5 && single.runs == 3)
        #expect(abs((single.pinGiBPerSecond ?? 0) - 2.0) < 1e-12)
        #expect(user.verifiedRuns == 2 && user.runs == 3)
        #expect(abs((user.pinSpeedup ?? 0) - 0.5 / 0.225) < 1e-12)
        #expect(abs((user.pinOverC ?? 0) - 0.225 / 0.2) < 1e-12)
        #expect(abs((cUser.pinSpeedup ?? 0) - 0.45 / 0.2) < 1e-12)  // C rows against C single
        let markdown = table.markdown()
        #expect(markdown.contains("| single | 1 | 1 | 0 | 500 ms |"))
        #expect(markdown.contains("user: 2/3 verified"))
    }
}
