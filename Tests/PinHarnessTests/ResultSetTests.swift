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

@Suite("One sweep at a time per result set, and each repetition counted once")
struct ResultSetConcurrencyTests {
    @Test("a second lock on a set is refused at once with the holder's pid; released, the set can be locked again")
    func lock() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try ResultSet.create(at: folder + "/set")
        var first: ResultSetLock? = try ResultSetLock(set)
        #expect {
            try ResultSetLock(set)
        } throws: { error in
            guard let error = error as? HarnessError, case .unavailable(let message) = error else { return false }
            return message.contains("in use by another pinbench sweep (pid \(getpid()))")
        }
        withExtendedLifetime(first) {}
        first = nil
        _ = try ResultSetLock(set)
    }

    @Test("duplicated (cell, round, warm-up) records are counted once, and the summary says how many were dropped")
    func duplicates() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try ResultSet.create(at: folder + "/set")
        let single = SweepFixtures.cell("single", warmup: 1.0, pins: [1.0, 2.0])
        // A second sweep wrote rounds 0 and 1 again, round 1 with another time.
        var again = single[1]
        again.pinSeconds = 9
        let records = single + [single[0], again]
        let appender = try set.appender()
        for record in records { try appender.append(try JSONLinesAppender.line(record)) }
        let (unique, dropped) = try set.readUniqueRecords()
        #expect(dropped == 2 && unique == single)
        let rendering = try set.render(machineLine: nil)
        #expect(rendering.duplicates == 2)
        #expect(rendering.markdown.contains("**Duplicates**: 2 records repeated a (cell, round) already recorded"))
        // Two measured runs, round 1 at its first time: the median of 1.0 and 2.0.
        #expect(rendering.summary.groups.first?.single?.runs == 2)
        #expect(rendering.summary.groups.first?.single?.pin?.median == 1.5)
        // Records without a cell (run --jsonl) are never taken for duplicates.
        var loose = SweepFixtures.record("single", pin: 5)
        loose.cell = nil
        #expect(ResultSet.unique([loose, loose]).duplicates == 0)
    }
}

@Suite("A damaged sweep.json is an error for report and --resume")
struct DamagedSpecificationTests {
    @Test("repetitions past the bound, a size no address space holds, or a thread count past the planner's are refused")
    func damaged() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let good = SweepSpecification(backends: [.populate], memory: [.anon], sizes: [.mib(4)], threads: [1, 2], seed: 1,
                                      commandLine: "pinbench sweep")
        var damaged: [SweepSpecification] = []
        for field in 0..<5 {
            var spec = good
            switch field {
            case 0: spec.repetitions = Int.max
            case 1: spec.warmups = Int.max
            case 2: spec.sizes = [Int.max]
            case 3: spec.threads = [Int.max]
            default: spec.minChunkBytes = Int.max
            }
            damaged.append(spec)
        }
        for (index, spec) in damaged.enumerated() {
            let set = try ResultSet.create(at: folder + "/set\(index)")
            try set.writeJSON(spec, to: ResultSet.specificationFile)
            #expect(throws: HarnessError.self) { try set.specification() }
        }
        let set = try ResultSet.create(at: folder + "/good")
        try set.writeJSON(good, to: ResultSet.specificationFile)
        #expect(try set.specification() == good)
    }
}
