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

    @Test("markdown carries base, new, ratio and the mark")
    func markdown() {
        let text = ResultComparison(base: Self.base, new: Self.new).markdown(baseName: "before", newName: "after")
        #expect(text.contains("Base: before") && text.contains("New: after"))
        #expect(text.contains("| user | 2 | 500 ms | 250 ms | 0.50x | **faster** |"))
        #expect(text.contains("| kernel | 2 | 400 ms | 600 ms | 1.50x | **slower** |"))
        #expect(text.contains("| single | 1 | 1.000 s | 1.000 s | 1.00x |  |"))
        #expect(text.contains("Only in base: `populate/thp/1G/kernel/4`"))
    }
}
