import Foundation
@testable import PinHarness
import Testing

/// Every report in every format against the files under `Golden/` (see `Golden`).
@Suite("Golden files: the run report, the sweep summary and the comparison", .serialized)
struct GoldenTests {
    /// The report `pinbench run` prints, as it prints it (less print's newline).
    static func runReport(_ records: [RunRecord], title: String) -> String {
        RunReport(title: title, machineLine: GoldenFixtures.machineLine, records: records).render(.markdown)
    }

    @Test("pinbench run: summary, NUMA and C baseline")
    func run() throws {
        try Golden.check(Self.runReport(GoldenFixtures.runRecords, title: GoldenFixtures.runTitle), "run.md")
    }

    @Test("pinbench run: the kmod backend's figures and in-kernel times")
    func runKmod() throws {
        try Golden.check(Self.runReport(GoldenFixtures.kmodRecords, title: GoldenFixtures.kmodTitle), "run-kmod.md")
    }

    @Test("a result set's summary and README, as report writes them")
    func sweep() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try GoldenFixtures.sweepSet(at: folder)
        let rendering = try set.render(machineLine: GoldenFixtures.machineLine)
        let written = try String(contentsOfFile: set.path("summary.md"), encoding: .utf8)
        #expect(written == rendering.markdown)
        try Golden.check(written, "sweep-summary.md")
        try Golden.check(try String(contentsOfFile: set.path("summary.csv"), encoding: .utf8), "sweep-summary.csv")
        try Golden.check(try String(contentsOfFile: set.path("README.md"), encoding: .utf8), "sweep-readme.md")
    }

    @Test("report --compare")
    func comparison() throws {
        let comparison = ResultComparison(base: GoldenFixtures.comparisonBase, new: GoldenFixtures.comparisonNew)
        try Golden.check(comparison.markdown(baseName: GoldenFixtures.comparisonBaseName,
                                             newName: GoldenFixtures.comparisonNewName), "comparison.md")
    }
}
