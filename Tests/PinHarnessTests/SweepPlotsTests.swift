import Foundation
@testable import PinHarness
import Testing

@Suite("Plots: gnuplot data and script")
struct SweepPlotsTests {
    static let summary = SweepSummary(records:
        SweepFixtures.cell("single", pins: [1, 1, 1, 1, 1, 1])
        + SweepFixtures.cell("user", threads: 2, pins: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
        + SweepFixtures.cell("kernel", threads: 4, pins: [0.25, 0.25, 0.25, 0.25, 0.25, 0.25]))

    @Test("data: a row per thread count, speedup and GiB/s per strategy with their CI, ? where a cell is missing")
    func data() {
        let lines = SweepPlots(summary: Self.summary).data(for: Self.summary.groups[0]).split(separator: "\n")
        #expect(lines[1] == "# threads user_speedup user_speedup_low user_speedup_high user_gib_per_s user_gib_per_s_low "
                + "user_gib_per_s_high kernel_speedup kernel_speedup_low kernel_speedup_high kernel_gib_per_s "
                + "kernel_gib_per_s_low kernel_gib_per_s_high single_gib_per_s single_gib_per_s_low single_gib_per_s_high")
        #expect(lines[2] == "2 2.0 2.0 2.0 2.0 2.0 2.0 ? ? ? ? ? ? 1.0 1.0 1.0")
        #expect(lines[3] == "4 ? ? ? ? ? ? 4.0 4.0 4.0 4.0 4.0 4.0 1.0 1.0 1.0")
    }

    @Test("error bars: the medians' 95% intervals carried through the speedup ratio and the rate")
    func intervals() throws {
        // Six runs: the 95% interval of the median is [min, max].
        let summary = SweepSummary(records: SweepFixtures.cell("single", pins: [0.9, 1, 1, 1, 1, 1.1])
            + SweepFixtures.cell("user", threads: 2, pins: [0.4, 0.5, 0.5, 0.5, 0.5, 0.6]))
        let row = SweepPlots(summary: summary).data(for: summary.groups[0]).split(separator: "\n")[2]
        let values = row.split(separator: " ").compactMap { Double($0) }
        let expected = [2, 2.0, 0.9 / 0.6, 1.1 / 0.4, 2.0, 1 / 0.6, 1 / 0.4, 1.0, 1 / 1.1, 1 / 0.9]
        #expect(values.count == expected.count)
        for (value, wanted) in zip(values, expected) { #expect(abs(value - wanted) < 1e-9, "\(row)") }
    }

    @Test("the headline: a row per group at its largest thread count, every strategy's GiB/s with its CI; n in the script")
    func headline() {
        let plots = SweepPlots(summary: Self.summary)
        let lines = plots.headlineData().split(separator: "\n")
        #expect(lines.count == 3)
        // Largest thread count 4: user has no 4-thread cell.
        #expect(lines[2] == "\"populate thp 1G, 4 thr\" 1.0 1.0 1.0 ? ? ? 4.0 4.0 4.0")
        let script = plots.gnuplotScript()
        #expect(script.contains("set output \"headline-gibs.svg\""))
        #expect(script.contains("set style histogram errorbars"))
        #expect(script.contains("95% CI error bars, n = 6"))
        #expect(script.contains("\"populate-thp-1G.dat\" using 1:2:3:4 title \"user (n = 6)\""))
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
        #expect(message.contains("6 SVG and PNG files"), "\(message)")
        for kind in ["speedup", "gibs"] {
            for format in ["svg", "png"] { #expect(set.exists("plots/populate-thp-1G-\(kind).\(format)")) }
        }
        for format in ["svg", "png"] { #expect(set.exists("plots/headline-gibs.\(format)")) }
    }
}
