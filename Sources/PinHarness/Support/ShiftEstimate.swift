#if canImport(Glibc)
import Glibc
#endif

/// The rank test of two samples of timings (base, then new): the Mann-Whitney U test, the
/// Hodges-Lehmann estimate of the shift new − base (the median of all pairwise differences),
/// and the shift's 95% confidence interval by Moses' method, `[D(k), D(mn+1-k)]` over the
/// sorted differences D, with `k` taken from U's distribution. Like `MedianInterval` it assumes
/// no shape (timings are skewed); it assumes only that a change moves the whole distribution.
/// Unlike two medians' intervals, it uses every pair of runs, so it sees smaller changes.
public struct ShiftEstimate: Sendable, Equatable, Codable {
    /// How U's distribution was taken.
    public enum Method: String, Sendable, Equatable, Codable {
        /// Exact (`UDistribution`): both samples under 50 values and no value in both or twice.
        case exact
        /// Normal, with the tie correction of U's variance and a continuity correction of 1/2:
        /// larger samples, or any tie, where the exact distribution without ties does not hold.
        case normal
    }

    /// The 95% interval of the shift: the `rank`-th smallest and largest differences.
    public struct Interval: Sendable, Equatable, Codable {
        public var low: Double
        public var high: Double
        /// `k`: the bounds are the k-th smallest and the k-th largest of the m×n differences.
        public var rank: Int
        /// The probability that the interval holds the true shift: exact, or as the normal
        /// approximation puts it.
        public var coverage: Double
    }

    public var baseCount: Int
    public var newCount: Int
    /// Pairs (base, new) in which new is the slower, ties counting a half; m×n/2 when nothing moved.
    public var u: Double
    /// Two-sided p-value of the test that neither sample tends to be the slower.
    public var pValue: Double
    public var method: Method
    /// The Hodges-Lehmann shift new − base in seconds: negative when new is faster.
    public var shift: Double
    /// Nil when the samples are too small for 95% (with 3 and 3 runs even the widest interval,
    /// the smallest to the largest difference, covers only 90%).
    public var interval: Interval?

    /// The standard normal's 97.5% quantile (scipy.stats.norm.ppf(0.975)).
    static let z975 = 1.959963984540054
    /// Half of 1 - 95%: the chance left in each tail.
    static let tail = 0.025

    /// Nil when a sample is empty or holds a value that is not finite.
    public init?(base: [Double], new: [Double]) {
        guard !base.isEmpty, !new.isEmpty, base.allSatisfy(\.isFinite), new.allSatisfy(\.isFinite) else { return nil }
        let differences = PairwiseDifferences(base: base, new: new)
        let m = base.count, n = new.count
        baseCount = m
        newCount = n
        let pairs = Double(differences.count)
        // Differences of finite doubles are 0 exactly when the values are equal, and keep the sign.
        let (less, atMost) = differences.counts(0)
        let below = less.reduce(0, +), notAbove = atMost.reduce(0, +)
        u = Double(differences.count - notAbove) + Double(notAbove - below) / 2
        shift = differences.median

        let pooled = (base + new).sorted()
        var tieTerm = 0.0  // Σ (t³ - t) over groups of equal values
        var start = 0
        while start < pooled.count {
            var end = start + 1
            while end < pooled.count && pooled[end] == pooled[start] { end += 1 }
            let t = Double(end - start)
            tieTerm += t * t * t - t
            start = end
        }
        let extreme = Swift.max(u, pairs - u)  // the larger of the two samples' U, as scipy reports the test
        var rank: Int
        var coverage: (Int) -> Double
        if tieTerm == 0 && m <= UDistribution.largestSample && n <= UDistribution.largestSample {
            method = .exact
            let distribution = UDistribution(m: m, n: n)
            // P(U >= extreme) = P(U <= mn - extreme), U being symmetric about mn/2.
            pValue = Swift.min(1, 2 * distribution.cumulative(differences.count - Int(extreme)))
            // The largest k with P(U <= k - 1) <= 2.5%; the tolerance lets an exact 2.5% (m = 1,
            // n = 39: 1/40) count as the 95% it is, whatever the last bit of the sum.
            rank = 0
            while rank < differences.count / 2 + 1 && distribution.cumulative(rank) <= Self.tail + 1e-12 { rank += 1 }
            coverage = { 1 - 2 * distribution.cumulative($0 - 1) }
        } else {
            method = .normal
            let total = Double(m + n)
            let variance = pairs / 12 * ((total + 1) - tieTerm / (total * (total - 1)))
            let sigma = variance > 0 ? variance.squareRoot() : 0
            if sigma > 0 {
                let z = (extreme - pairs / 2 - 0.5) / sigma
                pValue = Swift.min(1, erfc(z / 2.0.squareRoot()))
                // P(U <= k - 1) ≈ Φ((k - 1/2 - mn/2) / σ) <= 2.5% gives the largest such k.
                rank = Int((pairs / 2 + 0.5 - Self.z975 * sigma).rounded(.down))
            } else {
                // Every value equal: nothing moved, and every difference is 0.
                pValue = 1
                rank = differences.count / 2
            }
            coverage = { k in sigma > 0 ? 1 - erfc(-((Double(k) - 0.5 - pairs / 2) / sigma) / 2.0.squareRoot()) : 1 }
        }
        rank = Swift.min(rank, (differences.count + 1) / 2)
        if rank >= 1 {
            interval = Interval(low: differences.smallest(rank), high: differences.smallest(differences.count + 1 - rank),
                                rank: rank, coverage: coverage(rank))
        } else {
            interval = nil
        }
    }

    /// What the rank test says changed: nothing where the interval holds 0.
    public var verdict: ResultComparison.Verdict {
        guard let interval else { return .unknown }
        if interval.high < 0 { return .faster }
        if interval.low > 0 { return .slower }
        return .same
    }
}
