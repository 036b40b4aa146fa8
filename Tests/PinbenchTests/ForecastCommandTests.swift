import Foundation
import Testing

@Suite("pinbench forecast on the command line")
struct ForecastCommandTests {
    /// A result set whose runs follow t = 5 ms + size / (8 GiB/s) over threads with σ = 0.05 and
    /// no κ (unpin a tenth of it), three rounds per cell plus a warm-up, at `sizes` (GiB).
    static func writeSet(sizes: [Int], threads: [Int] = [1, 2, 4, 8]) throws -> String {
        let folder = NSTemporaryDirectory() + "pinbench-forecast-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var lines: [String] = []
        for gib in sizes {
            let size = gib << 30
            let cells = [("single", 1)] + threads.map { ("kernel", $0) }
            for (strategy, n) in cells {
                let speedup = Double(n) / (1 + 0.05 * Double(n - 1))
                for round in 0...3 {
                    // A deterministic ±0.1% wobble, so the fit has residuals.
                    let pin = (0.005 + Double(gib) / 8) / speedup * (1 + 0.001 * Double(round % 3 - 1))
                    let record: [String: Any] = [
                        "implementation": "pinbench", "strategy": strategy, "backend": "populate", "memory": "thp",
                        "threads": n, "workers": n, "sizeBytes": size, "pages": size / 4096, "rep": round,
                        "warmup": round == 0, "prefault": false, "pinSeconds": round == 0 ? pin * 5 : pin,
                        "unpinSeconds": pin / 10, "threadStartSeconds": 0, "chunks": n, "cutAlignBytes": 4096,
                        "cutsInsideFolio": 0, "verified": true, "pinnedCheck": "ok", "unpinnedCheck": "ok",
                        "perThread": [Any](), "cell": "populate/thp/\(gib)G/\(strategy)/\(n)", "round": round, "seed": 7,
                    ]
                    let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                    lines.append(String(decoding: data, as: UTF8.self))
                }
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/runs.jsonl", atomically: true, encoding: .utf8)
        return folder
    }

    @Test("a forecast of 1T from 1G..4G: exit 0, 72-column text, the line's prediction and the extrapolation note")
    func forecast() throws {
        let set = try Self.writeSet(sizes: [1, 2, 4])
        defer { try? FileManager.default.removeItem(atPath: set) }
        let result = try PinbenchProcess.run(["forecast", set, "--size", "1T", "--format", "text"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 72 }, "\(lines.filter { $0.count > 72 })")
        #expect(result.stdout.hasPrefix("Forecast: 1T at 8 threads"))
        #expect(result.stdout.contains("populate/thp/kernel/8"))
        #expect(result.stdout.contains("256.0x past the largest size measured (4G)"), "\(result.stdout)")
        // single: 5 ms + 1024 / 8 s.
        #expect(lines.contains { $0.hasPrefix("populate/thp/single/1") && $0.contains("128.0 s") }, "\(result.stdout)")

        let json = try PinbenchProcess.run(["forecast", set, "--size", "1T", "--threads", "16", "--format", "json"])
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let forecast = try #require(document["forecast"] as? [String: Any])
        let predictions = try #require(forecast["predictions"] as? [[String: Any]])
        let kernel = try #require(predictions.first {
            ($0["series"] as? [String: Any])?["strategy"] as? String == "kernel" && $0["phase"] as? String == "pin"
        })
        #expect(kernel["method"] as? String == "usl" && kernel["threads"] as? Int == 16)
        let seconds = try #require(kernel["seconds"] as? Double)
        let law = 128.005 / (16 / (1 + 0.05 * 15))
        #expect(abs(seconds / law - 1) < 0.01, "kernel/16 at 1T: \(seconds) s, law \(law) s")

        let validation = try PinbenchProcess.run(["forecast", set, "--validate"])
        #expect(validation.status == 0, "stderr: \(validation.stderr)")
        #expect(validation.stdout.contains("## Validation: 4G and 8 threads left out"), "\(validation.stdout)")
        #expect(validation.stdout.contains("| populate/thp/4G/kernel/8 | pin | USL |"), "\(validation.stdout)")
    }

    @Test("a single-size set is refused with exit 2 and the sweep that would do; --validate wants 3 sizes")
    func refusals() throws {
        let one = try Self.writeSet(sizes: [2])
        let two = try Self.writeSet(sizes: [1, 2])
        defer { for set in [one, two] { try? FileManager.default.removeItem(atPath: set) } }
        let single = try PinbenchProcess.run(["forecast", one, "--size", "1T"])
        #expect(single.status == 2 && !single.terminatedBySignal, "exit \(single.status)")
        #expect(single.stderr.contains("a forecast needs at least 2 sizes"), "\(single.stderr)")
        #expect(single.stderr.contains("pinbench sweep --sizes 2G,4G,8G,16G,32G"), "\(single.stderr)")
        #expect(single.stdout.isEmpty)
        let validate = try PinbenchProcess.run(["forecast", two, "--size", "1T", "--validate"])
        #expect(validate.status == 2, "exit \(validate.status)")
        #expect(validate.stderr.contains("--validate needs at least 3 sizes"), "\(validate.stderr)")
    }

    static let badInputs: [(arguments: [String], message: String)] = [
        (["forecast", "/nonexistent/set", "--size", "1T"], "is not a result set folder"),
        (["forecast", "/tmp", "--size", "1T"], "not a result set"),
        (["forecast", "/tmp", "--size", "12Q"], "unknown unit 'Q'"),
        (["forecast", "/tmp", "--size", "0"], "'0' is invalid for '--size <size>': out of range 1...64P"),
        (["forecast", "/tmp"], "give --size SIZE to forecast"),
        (["forecast", "/tmp", "--size", "1T", "--threads", "0"], "'0' is invalid for '--threads <threads>': out of range 1...1048576"),
        (["forecast", "/tmp", "--size", "1T", "--format", "yaml"], "unknown format 'yaml'"),
    ]

    @Test("bad input: a clear message and exit code 2, never a crash", arguments: badInputs)
    func badInput(arguments: [String], message: String) throws {
        let result = try PinbenchProcess.run(arguments)
        #expect(!result.terminatedBySignal)
        #expect(result.status == 2, "exit \(result.status)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test("a set with no verified measured run is refused with exit 2")
    func noVerifiedRuns() throws {
        let set = try Self.writeSet(sizes: [1, 2])
        defer { try? FileManager.default.removeItem(atPath: set) }
        let text = try String(contentsOfFile: set + "/runs.jsonl", encoding: .utf8)
        try text.replacingOccurrences(of: "\"verified\":true", with: "\"verified\":false")
            .write(toFile: set + "/runs.jsonl", atomically: true, encoding: .utf8)
        let result = try PinbenchProcess.run(["forecast", set, "--size", "1T"])
        #expect(result.status == 2, "exit \(result.status)")
        #expect(result.stderr.contains("no verified measured runs to fit"), "\(result.stderr)")
    }
}
