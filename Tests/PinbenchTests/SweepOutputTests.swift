import Foundation
import Testing

/// `--output` never writes over what PinBench did not write: a folder that is not empty and not
/// a result set is refused before anything is written, by the sweep and its dry run alike.
@Suite("pinbench sweep --output leaves the user's files alone")
struct SweepOutputTests {
    @Test("a non-empty folder that is not a result set is refused, its files untouched")
    func userFolder() throws {
        let folder = SweepCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let readme = "\(folder)/README.md"
        try "my notes\n".write(toFile: readme, atomically: true, encoding: .utf8)
        for extra in [[], ["--dry-run"]] {
            let result = try PinbenchProcess.run(SweepDryRunTests.tiny + ["--output", folder] + extra)
            #expect(result.status == 2, "\(extra): \(result.stderr)")
            #expect(result.stderr.contains("is not empty (it holds README.md) and is not a result set"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
        #expect(try String(contentsOfFile: readme, encoding: .utf8) == "my notes\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["README.md"])
    }

    @Test("a file where the folder should be is refused in one line; an empty folder is used")
    func fileAndEmptyFolder() throws {
        let folder = SweepCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/file"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let onFile = try PinbenchProcess.run(SweepDryRunTests.tiny + ["--output", file])
        #expect(onFile.status == 2 && onFile.stderr.contains("is a file, not a folder"), "\(onFile.stderr)")
        #expect(!onFile.stderr.contains("NSCocoaErrorDomain"))
        let empty = "\(folder)/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let intoEmpty = try PinbenchProcess.run(SweepDryRunTests.tiny + ["--output", empty])
        #expect(intoEmpty.status == 0, "\(intoEmpty.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(empty)/runs.jsonl"))
    }
}
