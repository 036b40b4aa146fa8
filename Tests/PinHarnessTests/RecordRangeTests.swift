import Foundation
import PinEngine
@testable import PinHarness
import Testing

/// Every numeric field read back from a result set is checked against its documented range
/// (`FieldRange`) before anything is computed from it (issue 24).
@Suite("Record ranges on read-back")
struct RecordRangeTests {
    /// A set holding three good records, then one whose JSON has `field` set to `value` (a JSON
    /// number as text), then a good one: the bad line is line 4.
    static func setWithBadLine(field: String, value: String, in folder: String) throws -> ResultSet {
        var records = SweepFixtures.cell("single", pins: [1, 1.1, 1.2])
        records[0].perThread = [ThreadStats(index: 0)]
        let set = try SweepFixtures.resultSet(records, at: folder, name: "set")
        var bad = SweepFixtures.record("single", pin: 1.3, round: 4)
        bad.perThread = [ThreadStats(index: 0)]
        let data = try JSONEncoder().encode(bad)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let number = try JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
        if field.hasPrefix("perThread.") {
            var thread = try #require((object["perThread"] as? [[String: Any]])?.first)
            thread[String(field.dropFirst("perThread.".count))] = number
            object["perThread"] = [thread]
        } else {
            object[field] = number
        }
        let line = try JSONSerialization.data(withJSONObject: object)
        try set.appender().append(String(decoding: line, as: UTF8.self))
        try set.appender().append(encoding: SweepFixtures.record("single", pin: 1.4, round: 5))
        return set
    }

    @Test("pinSeconds 1e303 (forecast trapped on it, report printed 5e+307 s) is refused: one line, file, line, field, value, range, what to do")
    func hugeTime() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try Self.setWithBadLine(field: "pinSeconds", value: "1e303", in: folder)
        let error = try #require(throws: HarnessError.self) { try set.readUniqueRecords() }
        #expect(error.exitCode == 2)
        guard case .invalidInput(let message) = error else { Issue.record("not invalid input: \(error)"); return }
        #expect(!message.contains("\n"))
        #expect(message.hasPrefix("\(set.path(ResultSet.runsFile)) line 4: field pinSeconds is 1e+303, outside 0 to 604800 s"), "\(message)")
        #expect(message.contains("remove or repair that line"))
        // report renders nothing from it either.
        #expect(throws: HarnessError.self) { try set.render(machineLine: nil) }
    }

    @Test("negative or impossible times, sizes and counts are refused, each naming its field",
          arguments: [
              ("pinSeconds", "-0.496"), ("unpinSeconds", "-1"), ("threadStartSeconds", "1e9"), ("poolStartSeconds", "-0.5"),
              ("hostWarmSeconds", "-2"), ("sizeBytes", "-1073741824"), ("sizeBytes", "0"), ("pages", "-5"),
              ("threads", "0"), ("threads", "-3"), ("workers", "2000000"), ("chunks", "0"), ("cutAlignBytes", "-4096"),
              ("cutsInsideFolio", "-1"), ("maxThreads", "0"), ("minChunkBytes", "-1"), ("rep", "-1"), ("round", "-1"),
              ("perThread.pinBusySeconds", "-0.03"), ("perThread.pinBytes", "-1"), ("perThread.index", "-1"),
          ])
    func refused(field: String, value: String) throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try Self.setWithBadLine(field: field, value: value, in: folder)
        let error = try #require(throws: HarnessError.self) { try set.readRecords() }
        let name = field.hasPrefix("perThread.") ? "perThread[0]." + field.dropFirst("perThread.".count) : field
        #expect(error.description.contains("line 4: field \(name) is "), "\(error)")
        #expect(error.exitCode == 2)
    }

    @Test("a damaged line is one line: which file and line, which field, what is malformed, what to do")
    func damagedLines() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try SweepFixtures.resultSet(SweepFixtures.cell("single", pins: [1]), at: folder, name: "set")
        try set.appender().append("not json")
        let notJSON = try #require(throws: HarnessError.self) { try set.readRecords() }
        #expect(!notJSON.description.contains("\n"))
        #expect(notJSON.description.hasPrefix("\(set.path(ResultSet.runsFile)) line 2: not a JSON object"), "\(notJSON)")
        #expect(notJSON.description.hasSuffix("remove or repair that line"))

        let other = try SweepFixtures.resultSet([], at: folder, name: "other")
        try other.appender().append(#"{"implementation":"pinbench"}"#)
        let missing = try #require(throws: HarnessError.self) { try other.readRecords() }
        #expect(missing.description == "\(other.path(ResultSet.runsFile)) line 1: field strategy is missing; remove or repair that line")

        let third = try Self.setWithBadLine(field: "threads", value: "\"two\"", in: folder + "/t")
        let mistyped = try #require(throws: HarnessError.self) { try third.readRecords() }
        #expect(mistyped.description.contains("line 4: field threads is not a whole number; remove or repair that line"), "\(mistyped)")
    }

    @Test("what a failed pin phase undid is range-checked too", arguments: [
        ("{\"chunks\": -1, \"bytes\": 0, \"byFailedCall\": false}", "undo.chunks"),
        ("{\"chunks\": 1, \"bytes\": -4096, \"byFailedCall\": false}", "undo.bytes"),
    ])
    func undo(value: String, name: String) throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try Self.setWithBadLine(field: "undo", value: value, in: folder)
        let error = try #require(throws: HarnessError.self) { try set.readRecords() }
        #expect(error.description.contains("line 4: field \(name) is "), "\(error)")
    }

    @Test("every numeric field of a record and of a thread's figures has a range (the next field gets one too)")
    func everyFieldHasARange() throws {
        var record = SweepFixtures.record("user", threads: 2, pin: 1)
        // Every optional present, so Mirror sees its type.
        record.poolStartSeconds = 1
        record.chunkBytes = 1
        record.minChunkBytes = 1
        record.maxThreads = 1
        record.hostWarmSeconds = 1
        func numericFields(_ value: Any) -> [String] {
            Mirror(reflecting: value).children.compactMap { child in
                // An optional's value is its one child (every numeric optional is set above).
                let unwrapped = Mirror(reflecting: child.value).displayStyle == .optional
                    ? Mirror(reflecting: child.value).children.first?.value : child.value
                return unwrapped is Int || unwrapped is Double ? child.label : nil
            }
        }
        let checked = Set(RunRecord.fieldRanges.map(\.name))
        #expect(Set(numericFields(record)).subtracting(checked).isEmpty, "fields without a range in RunRecord.fieldRanges")
        let threadChecked = Set(ThreadStats.fieldRanges.map(\.name))
        #expect(Set(numericFields(ThreadStats(index: 0))).subtracting(threadChecked).isEmpty)
    }

    @Test("a record PinBench writes reads back: the ranges hold every real value")
    func goodRecordsRead() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        var records = SweepFixtures.cell("kernel", threads: 4, warmup: 0.6, pins: [0.5, 0.51])
        records[1].poolStartSeconds = 0
        records[1].perThread = [ThreadStats(index: 0)]  // cpu -1: not known
        let set = try SweepFixtures.resultSet(records, at: folder, name: "set")
        #expect(try set.readRecords() == records)
    }

    @Test("a missing machine.json is said in the table and warned about, never silently dropped")
    func missingMachine() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try SweepFixtures.resultSet(SweepFixtures.cell("single", pins: [1]), at: folder, name: "set")
        let machine = set.machineLine()
        #expect(machine.line == "unknown (machine.json missing)")
        #expect(machine.warning?.contains("\(set.path(ResultSet.machineFile)) is missing") == true)
        let rendering = try set.render(machineLine: machine.line)
        #expect(rendering.markdown.contains("Machine: unknown (machine.json missing)"))
        #expect(try String(contentsOfFile: set.path("README.md"), encoding: .utf8).contains("Machine: unknown (machine.json missing)"))

        try set.write(#"{"hostname": 3}"#, to: ResultSet.machineFile)
        #expect(set.machineLine().line == "unknown (machine.json unreadable)")
        #expect(set.machineLine().warning != nil)
    }
}
