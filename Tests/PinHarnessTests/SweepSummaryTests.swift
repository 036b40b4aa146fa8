import Foundation
import PinBackends
@testable import PinHarness
import PinContract
import PinCore
import Testing

@Suite("Sweep summaries: speedup, efficiency, flags")
struct SweepSummaryTests {
    /// single: 1.0 s; user/2: 0.5 s (2x, 100%); kernel/2: 0.8 s (1.25x, 62.5%) with a slow warm-up;
    /// user/4 has a wide interval; kernel/4 one failed run.
    static var records: [RunRecord] {
        SweepFixtures.cell("single", warmup: 1.1, pins: [1.0, 1.0, 0.99, 1.01, 1.0, 1.0])
            + SweepFixtures.cell("user", threads: 2, warmup: 0.6, pins: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
            + SweepFixtures.cell("kernel", threads: 2, warmup: 2.0, pins: [0.8, 0.8, 0.8, 0.8, 0.8, 0.8])
            + SweepFixtures.cell("user", threads: 4, warmup: 0.3, pins: [0.2, 0.25, 0.3, 0.25, 0.25, 0.35])
            + SweepFixtures.cell("kernel", threads: 4, pins: [0.4, 0.4, 0.4])
            + [SweepFixtures.record("kernel", threads: 4, pin: 9, verified: false, round: 4)]
    }

    @Test("speedup is over the group's single cell, efficiency is speedup over threads")
    func speedups() throws {
        let summary = SweepSummary(records: Self.records)
        #expect(summary.groups.count == 1)
        let group = summary.groups[0]
        #expect(group.threads == [2, 4] && group.threadedStrategies == [.user, .kernel])
        let user2 = try #require(group.cell(.user, threads: 2))
        #expect(user2.pinSpeedup == 2 && user2.pinEfficiency == 1)
        #expect(abs((user2.pinGiBPerSecond ?? 0) - 2) < 1e-12)  // 1 GiB in 0.5 s
        #expect(abs((user2.unpinSpeedup ?? 0) - 2) < 1e-12)  // unpin is pin / 10 in the fixture
        let kernel2 = try #require(group.cell(.kernel, threads: 2))
        #expect(kernel2.pinSpeedup == 1.25 && kernel2.pinEfficiency == 0.625)
        let kernel4 = try #require(group.cell(.kernel, threads: 4))
        #expect(kernel4.runs == 4 && kernel4.verifiedRuns == 3 && kernel4.pin?.median == 0.4)
        #expect(group.single?.pinSpeedup == 1)
    }

    @Test("flags: wide interval, slow warm-up, too few runs, failures")
    func flags() throws {
        let summary = SweepSummary(records: Self.records)
        let group = summary.groups[0]
        #expect(group.cell(.kernel, threads: 2)?.slowWarmup == true)  // 2.0 > 2 x 0.8
        #expect(group.cell(.user, threads: 2)?.slowWarmup == false)  // 0.6 < 2 x 0.5
        let lines = summary.flags(group).joined(separator: "\n")
        // user/4: CI [0.2, 0.35] over median 0.25 is 60%; single's [0.99, 1.01] is 2%.
        #expect(lines.contains("pin user/4 (60%)"))
        #expect(!lines.contains("pin single"))
        #expect(lines.contains("kernel/2 (2.50x)"))
        #expect(lines.contains("fewer than 6 verified runs, so no 95% CI of the median: kernel/4"))
        #expect(lines.contains("kernel/4: 3/4 verified; first failure: FAILED: 3 pages not resident"))
    }

    @Test("markdown: single is the reference line, a row per thread count, a column group per strategy")
    func markdown() {
        let text = SweepSummary(records: Self.records).markdown()
        #expect(text.contains("## populate · thp · 1G"))
        #expect(text.contains("Pin, single (1 thread): 1.000 s median, 95% CI 990 ms–1.010 s, 1.00 GiB/s, 6/6 verified"))
        #expect(text.contains("| threads | user median | 95% CI | GiB/s | speedup | efficiency | kernel median |"))
        #expect(text.contains("| 2 | 500 ms | 500–500 ms | 2.00 | 2.00x | 100% | 800 ms | 800–800 ms | 1.25 | 1.25x | 63% |"))
        #expect(text.contains("| 4 | 250 ms | 200–350 ms | 4.00 | 4.00x | 100% | 400 ms | n=3 (<6) | 2.50 | 2.50x | 63% |"))
    }

    @Test("a kmod group gets the module's own pin and unpin medians and their share of the wall time; others do not")
    func inKernel() {
        var records = SweepFixtures.cell("single", pins: [1.0, 1.0, 1.0]) + SweepFixtures.cell("kernel", threads: 2, pins: [0.5, 0.5, 0.5])
        for index in records.indices {
            records[index].backend = .kmod
            records[index].cell = records[index].cell?.replacingOccurrences(of: "populate/", with: "kmod/")
            records[index].backendMetrics = GoldenFixtures.inKernel(pin: records[index].pinSeconds * 0.98,
                                                                     unpin: records[index].unpinSeconds / 2)
        }
        let summary = SweepSummary(records: records)
        #expect(summary.groups[0].cell(.kernel, threads: 2)?.inKernelPin?.median == 0.49)
        let text = summary.markdown()
        #expect(text.contains("In-kernel (module ktime, the longest call of each phase), medians:"))
        #expect(text.contains("| single | 980 ms | 98.0% | 50.0 ms | 50.0% |"), "\(text)")
        #expect(text.contains("| kernel/2 | 490 ms | 98.0% | 25.0 ms | 50.0% |"))
        #expect(!SweepSummary(records: Self.records).markdown().contains("In-kernel"))
    }

    @Test("csv: one row per cell and phase, plain numbers, flags")
    func csv() throws {
        let lines = SweepSummary(records: Self.records).csv().split(separator: "\n").map(String.init)
        #expect(lines.count == 1 + 5 * 2)
        #expect(lines[0].hasPrefix("backend,memory,size_bytes,strategy,threads"))
        let kernel2 = try #require(lines.first { $0.hasPrefix("populate,thp,1073741824,kernel,2,2,pin,") })
        let fields = kernel2.split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields.count == SweepSummary.csvHeader.count)
        #expect(fields[9] == "0.8" && fields[18] == "1.25" && fields[19] == "0.625" && fields[20] == "2.0")
        #expect(fields[21] == "slow-warmup")
    }

    @Test("skipped cells are listed until a later run gives them records")
    func skipped() {
        let skips = [SkippedCell(cell: "populate/thp/1G/user/2", reason: "no"),
                     SkippedCell(cell: "mlock/thp/1G/user/2", reason: "pool empty")]
        let summary = SweepSummary(records: Self.records, skipped: skips)
        #expect(summary.skipped.map(\.cell) == ["mlock/thp/1G/user/2"])
        #expect(summary.markdown().contains("`mlock/thp/1G/user/2`:\n  pool empty"))
    }

    @Test("headline: each strategy at the largest thread count")
    func headline() {
        let text = SweepSummary(records: Self.records).headline()
        // user/4's interval is 60% of its median and kernel/4 has 3 runs: both marked.
        #expect(text.contains("| populate | thp | 1G | 4 | 1.000 s | 250 ms (4.00x) † | 400 ms (2.50x) † |"))
        #expect(text.contains("† this cell's, or its single reference's, 95% CI is wider than 10%"))
        let clean = SweepSummary(records: SweepFixtures.cell("single", pins: [1.0, 1.0, 0.99, 1.01, 1.0, 1.0])
            + SweepFixtures.cell("user", threads: 2, pins: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5])).headline()
        #expect(clean.contains("| populate | thp | 1G | 2 | 1.000 s | 500 ms (2.00x) |") && !clean.contains("†"))
    }

    @Test("with --reps auto: each cell's rounds and whether it met the target, in the table, the notes, CSV and JSON")
    func adaptiveRounds() throws {
        let specification = SweepSpecification(
            backends: [.populate], memory: [.thp], sizes: [.gib(1)], threads: [2], repetitions: 6,
            adaptive: AdaptiveRounds(targetWidth: 0.05, maxRepetitions: 7), warmups: 1, seed: 1, commandLine: "pinbench sweep --reps auto")
        // single: within 2% after 6; user/2: 7 runs (the cap) 1.0-1.3 wide; kernel/2: 6 runs, wide, its 7th due.
        let records = SweepFixtures.cell("single", warmup: 1.1, pins: [1.0, 1.0, 0.99, 1.01, 1.0, 1.0])
            + SweepFixtures.cell("user", threads: 2, warmup: 0.6, pins: [0.5, 0.65, 0.55, 0.6, 0.5, 0.62, 0.55])
            + SweepFixtures.cell("kernel", threads: 2, warmup: 1, pins: [0.8, 0.9, 0.8, 0.9, 0.8, 0.9])
        let summary = SweepSummary(records: records, specification: specification)
        #expect(summary.cells.map { $0.rounds?.status } == [.met, .notMet, .pending])
        let text = summary.markdown()
        #expect(text.contains("6/6 verified; --reps auto: 6 met"), "\(text)")
        #expect(text.contains("| threads | user median | 95% CI | GiB/s | speedup | efficiency | rounds | kernel median |"))
        #expect(text.contains("| 7 NOT met |") && text.contains("| 6 pending |"))
        #expect(text.contains("- **target not met**: 95% CI still wider than 5% of the median after 7 rounds (--max-reps): user/2 (pin 27.3%)"))
        #expect(text.contains("- rounds still due (--reps auto; finish with --resume): kernel/2"))
        let csv = summary.csv().split(separator: "\n")
        #expect(csv[0].hasSuffix(",flags,target"))
        #expect(csv.filter { $0.hasPrefix("populate,thp,1073741824,user,2,") }.allSatisfy { $0.hasSuffix(";target-not-met,not-met") })
        #expect(csv.filter { $0.hasPrefix("populate,thp,1073741824,single,1,") }.allSatisfy { $0.hasSuffix(",met") })
        let json = OutputFormat.json(summary.cellsJSON())
        #expect(json.contains("\"target\" : \"not-met\"") && json.contains("\"target\" : \"pending\""))
        // Fixed rounds: no rounds column, an empty target.
        let fixed = SweepSummary(records: records)
        #expect(!fixed.markdown().contains("rounds") && fixed.csv().split(separator: "\n")[1].hasSuffix(","))
    }
}
