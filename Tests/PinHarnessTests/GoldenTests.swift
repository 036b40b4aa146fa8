import Foundation
@testable import PinHarness
import Testing

/// Every report in every format against the files under `Golden/` (see `Golden`).
@Suite("Golden files: the run report, the sweep summary and the comparison", .serialized)
struct GoldenTests {
    static let extensions: [(format: OutputFormat, ext: String)] = [(.markdown, "md"), (.text, "txt"), (.csv, "csv"), (.json, "json")]

    @Test("pinbench run: summary, NUMA and C baseline", arguments: extensions.map(\.format))
    func run(format: OutputFormat) throws {
        let report = RunReport(title: GoldenFixtures.runTitle, machineLine: GoldenFixtures.machineLine,
                               records: GoldenFixtures.runRecords)
        try Golden.check(report.render(format), "run.\(Self.ext(format))")
    }

    @Test("pinbench run: the kmod backend's figures and in-kernel times", arguments: extensions.map(\.format))
    func runKmod(format: OutputFormat) throws {
        let report = RunReport(title: GoldenFixtures.kmodTitle, machineLine: GoldenFixtures.machineLine,
                               records: GoldenFixtures.kmodRecords)
        try Golden.check(report.render(format), "run-kmod.\(Self.ext(format))")
    }

    @Test("a result set's summary in each format, and the files report writes")
    func sweep() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try GoldenFixtures.sweepSet(at: folder)
        let rendering = try set.render(machineLine: GoldenFixtures.machineLine)
        for (format, ext) in Self.extensions {
            try Golden.check(rendering.report.render(format), "sweep-summary.\(ext)")
        }
        // The files hold the same.
        for (file, format) in ResultSet.summaryFiles {
            #expect(try String(contentsOfFile: set.path(file), encoding: .utf8) == rendering.report.render(format), "\(file)")
        }
        #expect(try String(contentsOfFile: set.path("summary.md"), encoding: .utf8) == rendering.markdown)
        try Golden.check(try String(contentsOfFile: set.path("README.md"), encoding: .utf8), "sweep-readme.md")
    }

    @Test("report --compare", arguments: extensions.map(\.format))
    func comparison(format: OutputFormat) throws {
        let comparison = ResultComparison(base: GoldenFixtures.comparisonBase, new: GoldenFixtures.comparisonNew,
                                          baseMachine: GoldenFixtures.comparisonBaseMachine, newMachine: GoldenFixtures.comparisonNewMachine)
        try Golden.check(comparison.render(format, baseName: GoldenFixtures.comparisonBaseName,
                                           newName: GoldenFixtures.comparisonNewName), "comparison.\(Self.ext(format))")
    }

    @Test("every line of every text golden file is at most 72 columns")
    func textWidth() throws {
        let names = try Golden.names().filter { $0.hasSuffix(".txt") }
        #expect(names.count == 4)
        for name in names {
            for (number, line) in try Golden.expected(name).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                #expect(line.count <= TextTable.mailWidth, "\(name):\(number + 1) is \(line.count) columns: \(line)")
            }
        }
    }

    @Test("JSON goldens are one JSON document each")
    func jsonParses() throws {
        for name in try Golden.names() where name.hasSuffix(".json") {
            #expect(try JSONSerialization.jsonObject(with: Data(Golden.expected(name).utf8)) is [String: Any], "\(name)")
        }
    }

    static func ext(_ format: OutputFormat) -> String { extensions.first { $0.format == format }!.ext }
}
