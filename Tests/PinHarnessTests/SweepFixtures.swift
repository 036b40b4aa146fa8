import Foundation
import PinBackends
import PinContract
@testable import PinHarness
import PinCore

/// Synthetic sweep records and throwaway result-set folders for the harness tests.
enum SweepFixtures {
    static func record(
        _ strategy: String, threads: Int = 1, pin: Double, unpin: Double = 0.01, backend: String = "populate",
        memory: String = "thp", size: Int = 1 << 30, verified: Bool = true, warmup: Bool = false, round: Int = 0
    ) -> RunRecord {
        let threads = strategy == "single" ? 1 : threads
        return RunRecord(
            implementation: .pinbench, strategy: Strategy(rawValue: strategy)!, backend: BackendID(rawValue: backend), memory: MemoryKind(rawValue: memory)!, threads: threads,
            workers: threads, sizeBytes: size, pages: size / 4096, rep: round, warmup: warmup, prefault: false,
            pinSeconds: pin, unpinSeconds: unpin, threadStartSeconds: 0, poolStartSeconds: nil, chunks: threads,
            chunkBytes: nil, cutAlignBytes: 4096, cutsInsideFolio: 0, minChunkBytes: nil, maxThreads: nil,
            verified: verified, pinnedCheck: verified ? "ok" : "FAILED: 3 pages not resident",
            unpinnedCheck: "ok", error: nil, perThread: [],
            cell: "\(backend)/\(memory)/\(ByteSize(size))/\(strategy)/\(threads)", round: round, seed: 7)
    }

    /// `pins` as measured rounds 1..., after one warm-up round 0 taking `warmup`.
    static func cell(_ strategy: String, threads: Int = 1, warmup: Double? = nil, pins: [Double],
                     memory: String = "thp") -> [RunRecord] {
        var records: [RunRecord] = []
        if let warmup { records.append(record(strategy, threads: threads, pin: warmup, memory: memory, warmup: true, round: 0)) }
        records += pins.enumerated().map { index, pin in
            record(strategy, threads: threads, pin: pin, unpin: pin / 10, memory: memory, round: index + 1)
        }
        return records
    }

    /// A fresh, empty folder under the temporary directory, removed by `cleanUp`.
    static func temporaryFolder() -> String {
        let path = NSTemporaryDirectory() + "pinbench-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func cleanUp(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// A result set holding `records` in runs.jsonl.
    static func resultSet(_ records: [RunRecord], at parent: String, name: String) throws -> ResultSet {
        let set = try ResultSet.create(at: "\(parent)/\(name)")
        let log = try set.appender()
        for record in records { try log.append(encoding: record) }
        return set
    }
}
