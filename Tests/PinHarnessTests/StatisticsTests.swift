@testable import PinHarness
import Testing

@Suite("Statistics against hand-computed values")
struct StatisticsTests {
    @Test func oddSample() throws {
        let stats = try #require(Statistics([5, 1, 4, 2, 3]))
        #expect(stats.median == 3 && stats.min == 1 && stats.max == 5 && stats.mean == 3)
        #expect(abs(stats.standardDeviation - 1.581_138_83) < 1e-8)  // sqrt(10 / 4)
    }

    @Test func evenSample() throws {
        let stats = try #require(Statistics([4, 1, 3, 2]))
        #expect(stats.median == 2.5)
        #expect(Statistics([7])?.standardDeviation == 0)
        #expect(Statistics([]) == nil)
    }

    @Test func formatting() {
        #expect(DurationFormat.seconds(0.4123) == "412 ms")
        #expect(DurationFormat.seconds(1.23456) == "1.235 s")
        #expect(DurationFormat.seconds(0.0000852) == "85.2 µs")
        #expect(DurationFormat.seconds(0) == "0 s")
        #expect(DurationFormat.interval(0, 111.9) == "0–111.9 s")
        #expect(DurationFormat.ratio(11.91) == "11.91x")
        // Signed differences (the comparison's shift) take U+2212 for their minus.
        #expect(DurationFormat.shift(-0.06) == "\u{2212}60.0 ms" && DurationFormat.shift(0.0012) == "+1.20 ms")
        #expect(DurationFormat.shift(0) == "0 s" && DurationFormat.shift(.nan) == "-")
        #expect(DurationFormat.shiftInterval(-0.068, -0.057) == "\u{2212}68.0 to \u{2212}57.0 ms")
        #expect(DurationFormat.shiftInterval(-1.2, 0.3) == "\u{2212}1.200 s to +300 ms")
        #expect(DurationFormat.shiftInterval(1, -1) == "-")
        #expect(DurationFormat.signedPercent(-0.374) == "\u{2212}37.4%" && DurationFormat.signedPercent(0.00001) == "0.0%")
    }

    // Coverage of [x(j), x(n+1-j)] is 1 - 2 P(B <= j-1), B ~ Binomial(n, 1/2), worked by hand:
    // n=6, j=1: 1 - 2/64; n=9, j=2: 1 - 2 * 10/512; n=10, j=2: 1 - 2 * 11/1024;
    // n=12, j=3: 1 - 2 * 79/4096 (j=4 would be 1 - 2 * 299/4096 = 0.854, too low).
    static let intervals: [(n: Int, low: Int, high: Int, coverage: Double)] = [
        (6, 1, 6, 1 - 2.0 / 64), (7, 1, 7, 1 - 2.0 / 128), (9, 2, 8, 1 - 20.0 / 512),
        (10, 2, 9, 1 - 22.0 / 1024), (12, 3, 10, 1 - 158.0 / 4096),
    ]

    @Test("95% CI of the median: order statistics with exact binomial coverage", arguments: intervals)
    func medianInterval(n: Int, low: Int, high: Int, coverage: Double) throws {
        // Values 10, 20, ... shuffled: the bounds are the low-th and high-th smallest.
        let values = (1...n).map { Double($0 * 10) }.reversed()
        let stats = try #require(Statistics(Array(values)))
        let interval = try #require(stats.medianInterval)
        #expect(interval.lowRank == low && interval.highRank == high)
        #expect(interval.low == Double(low * 10) && interval.high == Double(high * 10))
        #expect(abs(interval.coverage - coverage) < 1e-12)
    }

    @Test("the interval's one pass over the binomial sum gives what summing it anew per rank gives, bit for bit")
    func onePass() throws {
        for n in 1...400 {
            var rank = 0
            while rank < (n + 1) / 2 && 1 - 2 * MedianInterval.binomialHalfCDF(rank, trials: n) >= 0.95 { rank += 1 }
            let interval = MedianInterval(sorted: (1...n).map(Double.init), level: 0.95)
            if rank == 0 {
                #expect(interval == nil, "n = \(n)")
            } else {
                #expect(interval?.lowRank == rank && interval?.coverage == 1 - 2 * MedianInterval.binomialHalfCDF(rank - 1, trials: n),
                        "n = \(n)")
            }
        }
    }

    @Test("fewer than 6 values have no 95% interval; the relative width is over the median")
    func smallSamples() throws {
        #expect(try #require(Statistics([1, 2, 3, 4, 5])).medianInterval == nil)
        #expect(try #require(Statistics([1, 2, 3, 4, 5])).relativeIntervalWidth == nil)
        let stats = try #require(Statistics([100, 102, 104, 106, 108, 110]))
        #expect(abs((stats.relativeIntervalWidth ?? 0) - 10.0 / 105) < 1e-12)  // (110 - 100) / 105
        #expect(abs(MedianInterval.binomialHalfCDF(2, trials: 12) - 79.0 / 4096) < 1e-15)
        #expect(MedianInterval.binomialHalfCDF(-1, trials: 5) == 0 && MedianInterval.binomialHalfCDF(5, trials: 5) == 1)
        // Large samples must not underflow 0.5^n.
        let large = try #require(Statistics((1...2000).map(Double.init)))
        #expect(large.medianInterval != nil && large.medianInterval!.coverage >= 0.95)
    }
}
