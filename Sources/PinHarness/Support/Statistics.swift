#if canImport(Glibc)
import Glibc
#endif

/// Order statistics of a sample of timings, with the distribution-free confidence interval of
/// the median (timings are skewed by page faults and host noise, so no normal assumption).
public struct Statistics: Sendable, Equatable, Codable {
    public var count: Int
    public var median: Double
    public var min: Double
    public var max: Double
    public var mean: Double
    /// Sample standard deviation (n - 1); 0 for fewer than two values.
    public var standardDeviation: Double
    /// The 95% confidence interval of the median, or nil when the sample is too small to have
    /// one (fewer than 6 values: even min..max covers the median with less than 95%).
    public var medianInterval: MedianInterval?

    /// Nil for an empty sample, or one holding an infinity or a NaN (records are range-checked
    /// when read; this keeps a value that slipped past from becoming a NaN median).
    public init?(_ values: [Double]) {
        guard !values.isEmpty, values.allSatisfy(\.isFinite) else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        let middle = sorted.count / 2
        // Halves first: the sum of two values near the largest Double is infinite.
        median = sorted.count % 2 == 1 ? sorted[middle] : sorted[middle - 1] / 2 + sorted[middle] / 2
        min = sorted[0]
        max = sorted[sorted.count - 1]
        let n = Double(sorted.count)
        var mean = sorted.reduce(0, +) / n
        var squares = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        var scale = 1.0
        if !mean.isFinite || !squares.isFinite {
            // Values near the largest Double overflow the sums: sum in units of the largest.
            scale = Swift.max(abs(min), abs(max))
            mean = sorted.reduce(0) { $0 + $1 / scale } / n
            squares = sorted.reduce(0) { $0 + ($1 / scale - mean) * ($1 / scale - mean) }
        }
        self.mean = scale == 1 ? mean : Swift.min(Swift.max(mean * scale, min), max)
        standardDeviation = sorted.count > 1 ? (squares / (n - 1)).squareRoot() * scale : 0
        medianInterval = MedianInterval(sorted: sorted, level: 0.95)
    }

    /// The interval's width over the median (0.1 = 10%), when there is an interval.
    public var relativeIntervalWidth: Double? {
        guard let medianInterval, median > 0 else { return nil }
        return (medianInterval.high - medianInterval.low) / median
    }
}

/// A confidence interval for the median from order statistics: `[x(j), x(n+1-j)]` with the
/// largest `j` whose coverage `1 - 2 P(B <= j - 1)`, B ~ Binomial(n, 1/2), is at least the level.
public struct MedianInterval: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double
    /// 1-based ranks of the bounds in the sorted sample.
    public var lowRank: Int
    public var highRank: Int
    /// The exact probability that the interval holds the true median.
    public var coverage: Double

    /// Nil when even `[min, max]` covers less than `level`.
    public init?(sorted: [Double], level: Double) {
        let n = sorted.count
        guard n >= 1 else { return nil }
        var best: (rank: Int, coverage: Double)?
        // P(B <= rank - 1) one term per rank, as `binomialHalfCDF` sums it (the same terms in
        // the same order, so the same bits), in one pass: --reps auto asks after every round.
        var logChoose = 0.0  // log C(n, rank - 1)
        var below = 0.0
        let logHalfPower = Double(n) * log(0.5)
        var rank = 1
        while rank <= (n + 1) / 2 {
            if rank > 1 { logChoose += log(Double(n - rank + 2)) - log(Double(rank - 1)) }
            below += exp(logChoose + logHalfPower)
            let coverage = 1 - 2 * Swift.min(below, 1)
            guard coverage >= level else { break }
            best = (rank, coverage)
            rank += 1
        }
        guard let best else { return nil }
        lowRank = best.rank
        highRank = n + 1 - best.rank
        low = sorted[lowRank - 1]
        high = sorted[highRank - 1]
        coverage = best.coverage
    }

    /// P(B <= k) for B ~ Binomial(trials, 1/2), summed in log space so large samples do not
    /// underflow `0.5^n`.
    static func binomialHalfCDF(_ k: Int, trials n: Int) -> Double {
        guard k >= 0 else { return 0 }
        guard k < n else { return 1 }
        var logChoose = 0.0  // log C(n, 0)
        var total = 0.0
        let logHalfPower = Double(n) * log(0.5)
        for i in 0...k {
            if i > 0 { logChoose += log(Double(n - i + 1)) - log(Double(i)) }
            total += exp(logChoose + logHalfPower)
        }
        return Swift.min(total, 1)
    }
}
