@testable import PinHarness
import Testing

@Suite("The exact null distribution of Mann-Whitney's U")
struct UDistributionTests {
    /// Two-sided 5% critical values of U (reject when U <= the value), as printed in the usual
    /// tables and recomputed with the Gaussian binomial in Python: k = value + 1 is Moses' rank.
    @Test("critical values at 5% two-sided", arguments: [(4, 4, 0), (5, 5, 2), (6, 6, 5), (8, 8, 13), (10, 10, 23), (5, 8, 6)])
    func criticalValues(m: Int, n: Int, critical: Int) {
        let distribution = UDistribution(m: m, n: n)
        #expect(distribution.cumulative(critical) <= 0.025)
        #expect(distribution.cumulative(critical + 1) > 0.025)
    }

    @Test("probabilities sum to 1, are symmetric about mn/2, and P(U = 0) is 1 / C(m+n, m)")
    func shape() {
        let distribution = UDistribution(m: 6, n: 9)
        #expect(distribution.probabilities.count == 55)
        #expect(abs(distribution.probabilities.reduce(0, +) - 1) < 1e-12)
        for u in 0...54 { #expect(abs(distribution.probabilities[u] - distribution.probabilities[54 - u]) < 1e-15) }
        #expect(abs(distribution.probabilities[0] - 1.0 / 5005) < 1e-18)  // C(15, 6) = 5005
        #expect(distribution.cumulative(-1) == 0 && distribution.cumulative(54) == 1)
        #expect(UDistribution(m: 0, n: 3).probabilities == [1])
    }
}
