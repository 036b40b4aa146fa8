import Foundation
import Testing

/// Issue 24: a path that cannot be used, or a damaged file, is one line saying what, where and
/// what to do, exit 2; never Foundation's `Error Domain=NSCocoaErrorDomain ... UserInfo={...}` or
/// a `DecodingError` dump.
@Suite("Errors as one line")
struct ErrorMessageCommandTests {
    /// A fresh folder with a small result set (foliosim on 4K and 8K, one round).
    static func resultSet() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinbench-errors-\(UUID().uuidString)").path
        let result = try PinbenchProcess.run(["sweep", "--output", folder + "/set", "--backends", "foliosim", "--memory", "anon",
                                              "--sizes", "4K,8K", "--threads", "1", "--reps", "1", "--warmup", "0", "--seed", "1"])
        try #require(result.status == 0, "\(result.stderr)")
        return folder
    }

    static func expectOneLine(_ result: PinbenchProcess, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, "status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("pinbench: error:") }
        #expect(errorLines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(errorLines.first?.contains(message) == true, "\(result.stderr)", sourceLocation: sourceLocation)
        for dump in ["Error Domain", "NSCocoaErrorDomain", "UserInfo", "DecodingError", "CodingKeys(", "error 512"] {
            #expect(!result.stderr.contains(dump), "\(dump) in \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test("a file where a folder is expected: --output, report --compare --output, --jsonl")
    func fileForFolder() throws {
        let folder = try Self.resultSet()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        Self.expectOneLine(try PinbenchProcess.run(["sweep", "--output", file + "/set", "--backends", "foliosim", "--memory", "anon",
                                                    "--sizes", "4K", "--threads", "1"]),
                           "cannot create \(file)/set: Not a directory; a file stands where a folder is expected: choose another path")
        Self.expectOneLine(try PinbenchProcess.run(["report", "--compare", folder + "/set", folder + "/set", "--output", file + "/out"]),
                           "cannot write \(file)/out: Not a directory; a file stands where a folder is expected")
        Self.expectOneLine(try PinbenchProcess.run(["run", "--size", "4K", "--memory", "anon", "--reps", "1", "--jsonl", file + "/x"]),
                           "cannot open --jsonl \(file)/x: Not a directory; a file stands where a folder is expected")
    }

    @Test("a read-only folder: sweep --output, report DIR, report --compare --output",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE as root"))
    func readOnly() throws {
        let folder = try Self.resultSet()
        defer {
            chmod(folder + "/set", 0o755)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let readOnly = folder + "/read-only"
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        #expect(chmod(readOnly, 0o555) == 0 && chmod(folder + "/set", 0o555) == 0)
        // Root writes anywhere with CAP_DAC_OVERRIDE; without it the modes hold.
        let wrapper = geteuid() == 0 ? ["/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] : []
        Self.expectOneLine(try PinbenchProcess.run(["sweep", "--output", readOnly + "/set", "--backends", "foliosim", "--memory", "anon",
                                                    "--sizes", "4K", "--threads", "1"], wrapper: wrapper),
                           "cannot create \(readOnly)/set: Permission denied; choose a folder you can write to")
        Self.expectOneLine(try PinbenchProcess.run(["report", folder + "/set"], wrapper: wrapper),
                           "cannot write \(folder)/set/summary.md: Permission denied; choose a folder you can write to")
        Self.expectOneLine(try PinbenchProcess.run(["report", "--compare", folder + "/set", folder + "/set", "--output", readOnly + "/out"],
                                                   wrapper: wrapper),
                           "cannot write \(readOnly)/out: Permission denied")
    }

    @Test("a runs.jsonl line that is no record names the line, the coding path and the first sentence")
    func decodingError() throws {
        let folder = try Self.resultSet()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runs = URL(fileURLWithPath: folder + "/set/runs.jsonl")
        let handle = try FileHandle(forWritingTo: runs)
        handle.seekToEndOfFile()
        handle.write(Data("{\"x\":1}\n".utf8))
        try handle.close()
        Self.expectOneLine(try PinbenchProcess.run(["report", folder + "/set"]), "runs.jsonl line 7: field implementation is missing; remove or repair that line")
    }
}
