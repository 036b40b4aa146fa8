import Foundation
@testable import PinHarness
import Testing

@Suite("Result set files")
struct ResultSetTests {
    @Test("runs.jsonl round-trips every field, one line per record")
    func roundTrip() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        var records = SweepFixtures.cell("user", threads: 2, warmup: 0.6, pins: [0.5, 0.51])
        records[1].error = "a \"quoted\"\nmessage"
        records[2].poolStartSeconds = 0.000123
        let set = try SweepFixtures.resultSet(records, at: folder, name: "set")
        #expect(try set.readRecords() == records)
        let text = try String(contentsOfFile: set.path(ResultSet.runsFile), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3 && text.hasSuffix("\n"))
    }

    @Test("an unfinished last line (a kill mid-write) is ignored, then cut off so appending can go on")
    func unfinishedLine() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let records = SweepFixtures.cell("single", pins: [1, 2])
        let set = try SweepFixtures.resultSet(records, at: folder, name: "set")
        let handle = try #require(FileHandle(forWritingAtPath: set.path(ResultSet.runsFile)))
        handle.seekToEndOfFile()
        handle.write(Data("{\"backend\":\"popul".utf8))
        try handle.close()
        #expect(try set.readRecords() == records)
        #expect(try set.truncateUnfinishedLine())
        #expect(try !set.truncateUnfinishedLine())
        try set.appender().append(String(decoding: try JSONEncoder().encode(records[0]), as: UTF8.self))
        #expect(try set.readRecords() == records + [records[0]])
    }

    @Test("a damaged line in the middle is an error that names it")
    func damagedLine() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try SweepFixtures.resultSet(SweepFixtures.cell("single", pins: [1]), at: folder, name: "set")
        try set.appender().append("not json")
        try set.appender().append(String(decoding: try JSONEncoder().encode(SweepFixtures.record("single", pin: 1)), as: UTF8.self))
        let error = try #require(throws: HarnessError.self) { try set.readRecords() }
        #expect(error.description.contains("line 2"))
    }

    @Test("names: <host>-<date>[-<label>], a suffix instead of mixing sets, labels checked, no overwrite")
    func naming() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let first = try ResultSet.create(parent: folder, host: "box", date: "2026-11-21", label: nil)
        let second = try ResultSet.create(parent: folder, host: "box", date: "2026-11-21", label: nil)
        let labelled = try ResultSet.create(parent: folder, host: "box", date: "2026-11-21", label: "patched")
        #expect(first.name == "box-2026-11-21" && second.name == "box-2026-11-21-2")
        #expect(labelled.name == "box-2026-11-21-patched")
        #expect(throws: HarnessError.self) { try ResultSet.create(parent: folder, host: "box", date: "d", label: "a/b") }
        _ = try SweepFixtures.resultSet([], at: folder, name: "used")
        let refusal = try #require(throws: HarnessError.self) { try ResultSet.create(at: "\(folder)/used") }
        #expect(refusal.description.contains("--resume"))
        #expect(throws: HarnessError.self) { try ResultSet.open("\(folder)/missing") }
    }
}

@Suite("Result set files on a failing disk")
struct ResultSetWriteFailureTests {
    @Test("a write that cannot finish leaves no .tmp file behind (it left an empty summary.md.tmp)")
    func noTemporaryLeft() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        // The target is a folder with a file in it, so the rename over it fails after the
        // temporary file was written, as a full disk fails a write.
        let target = folder + "/summary.md"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: target + "/keep", contents: Data("x".utf8)))
        #expect(throws: HarnessError.self) { try ResultSet.writeFile("table", to: target) }
        #expect(!FileManager.default.fileExists(atPath: target + ".tmp"))
    }
}
