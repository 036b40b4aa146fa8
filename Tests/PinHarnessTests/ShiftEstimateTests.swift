@testable import PinHarness
import Testing

/// The rank test against reference values computed independently, in Python with scipy 1.17:
/// U and the p-value from `scipy.stats.mannwhitneyu(new, base, alternative='two-sided')` with
/// `method='exact'` (no ties, both samples under 50) or `'asymptotic'` with `use_continuity=True`
/// (otherwise); the shift and the interval from all m×n differences listed and sorted; k from
/// the exact null distribution as the Gaussian binomial [m+n choose m]_q in exact integers
/// (the largest k with P(U <= k-1) <= 1/40, as a Fraction), or floor(mn/2 + 1/2 - z σ) with
/// z = norm.ppf(0.975) and the tie-corrected σ. The script: Tests/Reference/shift_estimate.py.
@Suite("The rank test: Mann-Whitney U, the Hodges-Lehmann shift and Moses' interval")
struct ShiftEstimateTests {
    struct Reference: Sendable, CustomTestStringConvertible {
        var name: String
        var base: [Double]
        var new: [Double]
        var u: Double
        var p: Double
        var method: ShiftEstimate.Method
        var shift: Double
        /// low, high, k, coverage; nil where the samples are too small for 95%.
        var interval: (low: Double, high: Double, rank: Int, coverage: Double)?
        var verdict: ResultComparison.Verdict

        var testDescription: String { name }
    }

    static let references: [Reference] = [
        Reference(name: "no ties, 7 and 5 runs: exact, faster", base: [1.02, 0.98, 1.05, 0.97, 1.01, 1.03, 0.99],
                  new: [0.91, 0.95, 0.89, 0.96, 0.93], u: 0, p: 0.0025252525252525255, method: .exact,
                  shift: -0.07999999999999996, interval: (-0.12, -0.039999999999999925, 6, 0.952020202020202), verdict: .faster),
        Reference(name: "ties within and across, 8 and 9 runs: normal with the tie correction, no change",
                  base: [10, 11, 11, 12, 13, 13, 13, 14], new: [11, 12, 12, 13, 15, 15, 16, 17, 18], u: 54.5,
                  p: 0.07967503158948248, method: .normal, shift: 2, interval: (0, 5, 16, 0.9540647590184018), verdict: .same),
        Reference(name: "3 and 3 runs: no 95% interval (min to max covers 90%)", base: [1, 2, 3], new: [4, 5, 6], u: 9, p: 0.1,
                  method: .exact, shift: 3, interval: nil, verdict: .unknown),
        Reference(name: "1 and 2 runs: no interval", base: [5], new: [1, 2], u: 0, p: 0.6666666666666666, method: .exact,
                  shift: -3.5, interval: nil, verdict: .unknown),
        Reference(name: "4 and 4 runs: the smallest sample with an interval, min to max", base: [1.0, 1.1, 1.2, 1.3],
                  new: [1.05, 1.15, 1.25, 1.35], u: 10, p: 0.6857142857142857, method: .exact, shift: 0.050000000000000044,
                  interval: (-0.25, 0.3500000000000001, 1, 0.9714285714285714), verdict: .same),
        Reference(name: "identical samples: shift 0, the interval holds 0", base: [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
                  new: [0.5, 0.6, 0.7, 0.8, 0.9, 1.0], u: 18, p: 1, method: .normal, shift: 0,
                  interval: (-0.30000000000000004, 0.30000000000000004, 6, 0.956920045806764), verdict: .same),
        Reference(name: "1 and 39 runs: P(U <= 0) is exactly 1/40, so k = 1 covers exactly 95%", base: [0.5],
                  new: (1...39).map { Double($0) / 100 }, u: 0, p: 0.05, method: .exact, shift: -0.3,
                  interval: (-0.49, -0.10999999999999999, 1, 0.95), verdict: .faster),
        Reference(name: "20 and 25 runs, no ties: exact", base: (0..<20).map { Double(1000 + ($0 * 7919) % 1009) / 1000 },
                  new: (0..<25).map { Double(990 + ($0 * 7907) % 1013) / 1000 }, u: 248, p: 0.9729483815980625, method: .exact,
                  shift: -0.0030000000000000027, interval: (-0.19199999999999995, 0.19500000000000006, 164, 0.9525480384738513),
                  verdict: .same),
        Reference(name: "60 and 55 runs: normal, faster", base: (0..<60).map { Double(1000 + ($0 * 37) % 101) / 1000 },
                  new: (0..<55).map { Double(980 + ($0 * 53) % 97) / 1000 }, u: 975, p: 0.0001589494269232538, method: .normal,
                  shift: -0.02299999999999991, interval: (-0.03400000000000003, -0.01200000000000001, 1300, 0.9502975798542256),
                  verdict: .faster),
    ]

    @Test("U, p, method, shift, interval and verdict as the reference", arguments: references)
    func reference(_ reference: Reference) throws {
        let estimate = try #require(ShiftEstimate(base: reference.base, new: reference.new))
        #expect(estimate.baseCount == reference.base.count && estimate.newCount == reference.new.count)
        #expect(estimate.u == reference.u)
        #expect(abs(estimate.pValue - reference.p) < 1e-9 * max(1, reference.p), "p \(estimate.pValue)")
        #expect(estimate.method == reference.method)
        #expect(estimate.shift == reference.shift)
        if let expected = reference.interval {
            let interval = try #require(estimate.interval)
            #expect(interval.low == expected.low && interval.high == expected.high && interval.rank == expected.rank)
            #expect(abs(interval.coverage - expected.coverage) < 1e-9, "coverage \(interval.coverage)")
        } else {
            #expect(estimate.interval == nil)
        }
        #expect(estimate.verdict == reference.verdict)
    }

    @Test("swapping the sides negates the shift and its interval, and keeps p")
    func symmetry() throws {
        let base = [1.02, 0.98, 1.05, 0.97, 1.01, 1.03, 0.99, 1.00]
        let new = [0.91, 0.95, 0.89, 0.96, 0.93, 1.04]
        let forward = try #require(ShiftEstimate(base: base, new: new))
        let backward = try #require(ShiftEstimate(base: new, new: base))
        // p through U's distribution for (8, 6) and for (6, 8): the same numbers summed in another order.
        #expect(forward.shift == -backward.shift && abs(forward.pValue - backward.pValue) < 1e-12)
        #expect(forward.u + backward.u == Double(base.count * new.count))
        #expect(forward.interval?.low == backward.interval.map { -$0.high } && forward.interval?.high == backward.interval.map { -$0.low })
    }

    @Test("every value equal: no spread to test, shift 0 and an interval of [0, 0]")
    func allEqual() throws {
        let estimate = try #require(ShiftEstimate(base: Array(repeating: 0.3, count: 6), new: Array(repeating: 0.3, count: 7)))
        #expect(estimate.shift == 0 && estimate.pValue == 1 && estimate.method == .normal)
        #expect(estimate.interval?.low == 0 && estimate.interval?.high == 0 && estimate.verdict == .same)
    }

    @Test("an empty side or a value that is not finite has no estimate")
    func refused() {
        #expect(ShiftEstimate(base: [], new: [1]) == nil)
        #expect(ShiftEstimate(base: [1, .infinity], new: [1]) == nil)
        #expect(ShiftEstimate(base: [1], new: [.nan]) == nil)
    }
}
