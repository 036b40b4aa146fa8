import Foundation
import Testing

/// `report`, `report --compare`, `forecast` and `sweep --resume` on a set whose files were
/// damaged after the sweep (issue 24): refused with one line, exit 2, never a trap or an
/// impossible value rendered; a missing machine.json said in the table.
@Suite("pinbench on a damaged result set")
struct DamagedSetCommandTests {
    /// A finished one-cell sweep in a fresh folder.
    static func sweptSet() throws -> (folder: String, set: String) {
        let folder = SweepCommandTests.temporaryFolder()
        let set = folder + "/set"
        let sweep = try PinbenchProcess.run(["sweep", "--backends", "populate", "--memory", "anon", "--sizes", "4M",
                                            "--threads", "1", "--strategies", "single", "--reps", "2", "--warmup", "0",
                                            "--output", set])
        #expect(sweep.status == 0, "stderr: \(sweep.stderr)")
        return (folder, set)
    }

    /// Sets `pinSeconds` of the first record to `value` (JSON number text).
    static func damage(_ set: String, pinSeconds value: String) throws {
        let path = set + "/runs.jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacing(/"pinSeconds":[^,}]*/, with: "\"pinSeconds\":\(value)")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("pinSeconds 1e303: report, report --compare and forecast exit 2 with one line naming the field; forecast no longer traps",
          arguments: ["1e303", "-0.496"])
    func refused(value: String) throws {
        let (folder, set) = try Self.sweptSet()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.damage(set, pinSeconds: value)
        for arguments in [["report", set], ["report", "--compare", set, set], ["forecast", set, "--size", "1G"]] {
            let result = try PinbenchProcess.run(arguments)
            #expect(!result.terminatedBySignal, "\(arguments)")
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("\(set)/runs.jsonl line 1: field pinSeconds is "), "\(result.stderr)")
            #expect(result.stderr.contains("remove or repair that line"))
            #expect(!result.stdout.contains("inf") && !result.stdout.contains("e+307"))
        }
    }

    @Test("sweep --resume of a damaged runs.jsonl says so once, in one line")
    func resumeSaysItOnce() throws {
        let (folder, set) = try Self.sweptSet()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = set + "/runs.jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try ("{\"broken\n" + text).write(toFile: path, atomically: true, encoding: .utf8)
        let result = try PinbenchProcess.run(["sweep", "--resume", set])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "runs.jsonl line 1").count == 2, "\(result.stderr)")
        #expect(!result.stderr.contains("DecodingError"), "\(result.stderr)")
    }

    @Test("a deleted machine.json: the table says 'machine: unknown (machine.json missing)' and stderr warns once")
    func missingMachine() throws {
        let (folder, set) = try Self.sweptSet()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.removeItem(atPath: set + "/machine.json")
        let result = try PinbenchProcess.run(["report", set])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Machine: unknown (machine.json missing)"), "\(result.stdout)")
        #expect(result.stderr.components(separatedBy: "machine.json is missing").count == 2, "\(result.stderr)")
    }
}
