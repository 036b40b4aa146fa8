@testable import PinHarness
import PinCore
import Testing

@Suite("Comparing two result sets")
struct ResultComparisonTests {
    static let base = SweepSummary(records:
        SweepFixtures.cell("single", pins: [1.00, 1.01, 0.99, 1.02, 0.98, 1.00])
        + SweepFixtures.cell("user", threads: 2, pins: [0.50, 0.51, 0.49, 0.52, 0.48, 0.50])
        + SweepFixtures.cell("kernel", threads: 2, pins: [0.40, 0.41, 0.39, 0.42, 0.38, 0.40])
        + SweepFixtures.cell("kernel", threads: 4, pins: [0.30, 0.30, 0.30]))
    static let new = SweepSummary(records:
        SweepFixtures.cell("single", pins: [1.01, 1.00, 0.97, 1.03, 0.99, 1.00])  // overlaps: same
        + SweepFixtures.cell("user", threads: 2, pins: [0.25, 0.26, 0.24, 0.25, 0.25, 0.25])  // faster
        + SweepFixtures.cell("kernel", threads: 2, pins: [0.60, 0.61, 0.59, 0.60, 0.62, 0.58])  // slower
        + SweepFixtures.cell("user", threads: 8, pins: [0.2, 0.2, 0.2, 0.2, 0.2, 0.2]))

    @Test("cells are matched by id; changes beyond both intervals are marked")
    func verdicts() throws {
        let comparison = ResultComparison(base: Self.base, new: Self.new)
        #expect(comparison.rows.map(\.cell.id) == ["populate/thp/1G/single/1", "populate/thp/1G/user/2", "populate/thp/1G/kernel/2"])
        #expect(comparison.onlyInBase == ["populate/thp/1G/kernel/4"] && comparison.onlyInNew == ["populate/thp/1G/user/8"])
        let verdicts = comparison.rows.map { ResultComparison.verdict(base: $0.base.pin, new: $0.new.pin) }
        #expect(verdicts == [.same, .faster, .slower])
        // Too few runs on one side: no verdict.
        let few = SweepSummary(records: SweepFixtures.cell("single", pins: [1, 1, 1]))
        #expect(ResultComparison.verdict(base: Self.base.cells[0].pin, new: few.cells[0].pin) == .unknown)
    }

    @Test("markdown carries base, new, ratio, the medians' mark and the rank test")
    func markdown() {
        let text = ResultComparison(base: Self.base, new: Self.new).markdown(baseName: "before", newName: "after")
        #expect(text.contains("Base: before") && text.contains("New: after"))
        #expect(text.contains("| user | 2 | 500 ms | 250 ms | 0.50x | **faster** | −250 ms | −270 to −230 ms | **faster** −50.0% |"))
        #expect(text.contains("| kernel | 2 | 400 ms | 600 ms | 1.50x | **slower** | +200 ms | +180 to +220 ms | **slower** +50.0% |"))
        #expect(text.contains("| single | 1 | 1.000 s | 1.000 s | 1.00x |  | 0 s | −20.0 to +20.0 ms | no change |"))
        #expect(text.contains("Only in base: `populate/thp/1G/kernel/4`"))
    }

    /// 10 runs a side, new about 15 ms faster: the medians' intervals (987 ms-1.015 s and
    /// 974-998 ms) overlap, the rank test does not hold 0. Reference (Tests/Reference/
    /// shift_estimate.py): U 18.5, p 0.018974726687335127 (normal: 1.000 s is on both sides),
    /// shift -0.015000000000000013, interval [-0.026000000000000023, -0.0030000000000000027], k 24.
    static let smallChangeBase = [1.00, 1.012, 0.991, 1.021, 0.983, 1.004, 0.996, 1.008, 0.987, 1.015]
    static let smallChangeNew = [0.988, 0.995, 0.978, 1.004, 0.970, 0.986, 0.983, 0.991, 0.974, 0.998]

    @Test("a change the medians' intervals cannot show and the rank test can")
    func rankTestSeesMore() throws {
        let comparison = ResultComparison(base: SweepSummary(records: SweepFixtures.cell("single", pins: Self.smallChangeBase)),
                                          new: SweepSummary(records: SweepFixtures.cell("single", pins: Self.smallChangeNew)))
        let row = try #require(comparison.rows.first)
        #expect(ResultComparison.verdict(base: row.base.pin, new: row.new.pin) == .same)
        let shift = try #require(row.pinShift)
        #expect(shift.verdict == .faster && shift.method == .normal && shift.u == 18.5)
        #expect(abs(shift.pValue - 0.018974726687335127) < 1e-12)
        #expect(shift.shift == -0.015000000000000013)
        #expect(shift.interval?.low == -0.026000000000000023 && shift.interval?.high == -0.0030000000000000027)
        let csv = comparison.render(.csv, baseName: "a", newName: "b")
        #expect(csv.contains(",same,-0.015000000000000013,-0.026000000000000023,-0.0030000000000000027,"), "\(csv)")
        #expect(csv.contains(",18.5,0.01897472668733"), "\(csv)")
        #expect(csv.contains(",normal,faster,,\n"), "\(csv)")
        #expect(comparison.markdown(baseName: "a", newName: "b").contains("|  | −15.0 ms | −26.0 to −3.00 ms | **faster** −1.5% |"))
    }

    @Test("a side without a verified run, or with too few runs, has no rank verdict")
    func rankTestUnknown() throws {
        var failed = SweepFixtures.cell("single", pins: [1, 1, 1, 1, 1, 1])
        for index in failed.indices { failed[index].verified = false }
        let none = ResultComparison(base: Self.base, new: SweepSummary(records: failed))
        #expect(none.rows[0].pinShift == nil && ResultComparison.rankMark(nil, baseMedian: 1) == "?")
        let few = ResultComparison(base: SweepSummary(records: SweepFixtures.cell("single", pins: [1.0, 1.1, 1.2])),
                                   new: SweepSummary(records: SweepFixtures.cell("single", pins: [0.5, 0.6, 0.7])))
        #expect(few.rows[0].pinShift?.verdict == .unknown && few.rows[0].pinShift?.shift == -0.5)
    }

    @Test("the header names each side's kernel and emulation, says when they or the machines differ, and cells still line up")
    func kernels() {
        func header(_ base: MachineRecord?, _ new: MachineRecord?) -> [String] {
            ResultComparison(base: Self.base, new: Self.new, baseMachine: base, newMachine: new).kernelLines()
        }
        let stock = GoldenFixtures.machine(kernel: "6.12.48")
        #expect(header(stock, stock) == ["Kernel: Linux 6.12.48 on both sides."])
        let lab = GoldenFixtures.machine(kernel: "6.18.0-lab", host: "lab", emulation: "tcg")
        let differing = header(stock, lab)
        #expect(differing.count == 2)
        #expect(differing[0].hasPrefix("Kernels: base Linux 6.12.48, new Linux 6.18.0-lab (EMULATED: TCG, PinBench lab): different kernels"))
        #expect(differing[1].contains("host box and lab"))
        #expect(header(nil, stock) == ["Kernels: base unknown (no readable machine.json), new Linux 6.12.48."])
        // Different kernels on the same cells: every common cell is a row, as with one kernel.
        let comparison = ResultComparison(base: Self.base, new: Self.new, baseMachine: stock, newMachine: lab)
        #expect(comparison.rows.count == 3)
        let csv = comparison.render(.csv, baseName: "a", newName: "b")
        #expect(csv.split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(",6.12.48,6.18.0-lab") })
        let json = comparison.render(.json, baseName: "a", newName: "b")
        #expect(json.contains("\"newEmulation\" : \"tcg\"") && json.contains("\"baseKernel\" : \"6.12.48\""))
    }
}
