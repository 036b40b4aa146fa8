import Foundation
@testable import PinHarness
import Testing

@Suite("Plots: gnuplot data and script")
struct SweepPlotsTests {
    static let summary = SweepSummary(records:
        SweepFixtures.cell("single", pins: [1, 1, 1, 1, 1, 1])
        + SweepFixtures.cell("user", threads: 2, pins: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
        + SweepFixtures.cell("kernel", threads: 4, pins: [0.25, 0.25, 0.25, 0.25, 0.25, 0.25]))

    @Test("data: a row per thread count, speedup and GiB/s per strategy, ? where a cell is missing")
    func data() {
        let lines = SweepPlots(summary: Self.summary).data(for: Self.summary.groups[0]).split(separator: "\n")
        #expect(lines[1] == "# threads user_speedup user_gib_per_s kernel_speedup kernel_gib_per_s single_gib_per_s")
        #expect(lines[2] == "2 2.0 2.0 ? ? 1.0")
        #expect(lines[3] == "4 ? ? 4.0 4.0 1.0")
    }

    @Test("without gnuplot the data and script are still written, and the message says how to render")
    func withoutGnuplot() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try ResultSet.create(at: "\(folder)/set")
        let message = try SweepPlots(summary: Self.summary).write(into: set, searchPath: "/nonexistent")
        #expect(message.contains("gnuplot is not installed") && message.contains("gnuplot-nox"))
        #expect(message.contains("pinbench report \(set.directory)"))
        #expect(set.exists("plots/plots.gp") && set.exists("plots/populate-thp-1G.dat"))
        let script = try String(contentsOfFile: set.path("plots/plots.gp"), encoding: .utf8)
        #expect(script.contains("set output \"populate-thp-1G-speedup.svg\"") && script.contains("populate-thp-1G-gibs.png"))
        #expect(!set.exists("plots/populate-thp-1G-speedup.svg"))
    }

    @Test("with gnuplot the SVG and PNG files appear", .enabled(if: SweepPlots.findExecutable("gnuplot") != nil, "gnuplot is not installed"))
    func withGnuplot() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try ResultSet.create(at: "\(folder)/set")
        let message = try SweepPlots(summary: Self.summary).write(into: set)
        #expect(message.contains("4 SVG and PNG files"), "\(message)")
        for kind in ["speedup", "gibs"] {
            for format in ["svg", "png"] { #expect(set.exists("plots/populate-thp-1G-\(kind).\(format)")) }
        }
    }
}
