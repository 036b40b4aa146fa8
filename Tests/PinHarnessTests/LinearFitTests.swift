@testable import PinHarness
import Testing

@Suite("LinearFit: least squares lines and their prediction intervals")
struct LinearFitTests {
    @Test("a hand-worked fit: slope, intercept, R², residual error and the interval at x = 6")
    func handWorked() throws {
        // x̄ = 3, ȳ = 4, Sxx = 10, Sxy = 6: slope 0.6, intercept 2.2; SSres = 2.4, SStot = 6.
        let fit = try #require(LinearFit(x: [1, 2, 3, 4, 5], y: [2, 4, 5, 4, 5]))
        #expect(abs(fit.slope - 0.6) < 1e-12 && abs(fit.intercept - 2.2) < 1e-12)
        #expect(abs(fit.rSquared - 0.6) < 1e-12)
        #expect(abs(try #require(fit.residualStandardError) - 0.8.squareRoot()) < 1e-12)
        // ŷ(6) = 5.8 ± t(0.975, 3) · √0.8 · √(1 + 1/5 + 9/10).
        let interval = try #require(fit.predictionInterval(at: 6))
        let half = 3.1824 * 0.8.squareRoot() * 2.1.squareRoot()
        #expect(abs(interval.lowerBound - (5.8 - half)) < 1e-9 && abs(interval.upperBound - (5.8 + half)) < 1e-9)
        #expect(abs(try #require(fit.meanStandardError(at: 3)) - (0.8 / 5).squareRoot()) < 1e-12)
    }

    @Test("t = 5 ms + size / (8 GiB/s) with 1 ms of noise: fixed cost and rate recovered, the interval at 64G holds the law")
    func recoversLaw() throws {
        var fixtures = ForecastFixtures(seed: 3)
        var x: [Double] = [], y: [Double] = []
        for gib in [1, 2, 4, 8, 16] {
            for _ in 0..<10 {
                let size = Double(gib * ForecastFixtures.gib)
                x.append(size)
                y.append(0.005 + size / (8 * Double(ForecastFixtures.gib)) + 0.001 * fixtures.gaussian())
            }
        }
        let fit = try #require(LinearFit(x: x, y: y))
        #expect(abs(fit.intercept - 0.005) < 0.001, "fixed \(fit.intercept)")
        let rate = 1 / (fit.slope * Double(ForecastFixtures.gib))
        #expect(abs(rate - 8) / 8 < 0.002, "rate \(rate) GiB/s")
        #expect(fit.rSquared > 0.9999 && fit.count == 50)
        let size = Double(64 * ForecastFixtures.gib)
        let truth = 0.005 + 8.0
        let interval = try #require(fit.predictionInterval(at: size))
        #expect(interval.contains(truth), "\(interval) should hold \(truth)")
        // Further from the data, wider: the (x − x̄)² / Sxx term. With x̄ = 6.2G and Sxx = 1488 G²,
        // √(1 + 1/50 + 57.8² / 1488) / √(1 + 1/50 + 1.8² / 1488) ≈ 1.79.
        let near = try #require(fit.predictionInterval(at: Double(8 * ForecastFixtures.gib)))
        let ratio = (interval.upperBound - interval.lowerBound) / (near.upperBound - near.lowerBound)
        #expect(abs(ratio - 1.79) < 0.01, "ratio \(ratio)")
    }

    @Test("with 6 points the 95% interval holds a new point about 95% of the time (a normal quantile would give ~87%)")
    func coverage() throws {
        var fixtures = ForecastFixtures(seed: 11)
        var inside = 0
        let trials = 1000
        for _ in 0..<trials {
            let x: [Double] = [1, 1, 2, 2, 3, 3]
            let y = x.map { 2 + 0.5 * $0 + 0.1 * fixtures.gaussian() }
            let fit = try #require(LinearFit(x: x, y: y))
            let new = 2 + 0.5 * 5 + 0.1 * fixtures.gaussian()
            if try #require(fit.predictionInterval(at: 5)).contains(new) { inside += 1 }
        }
        let share = Double(inside) / Double(trials)
        #expect(share > 0.93 && share < 0.97, "coverage \(share)")
    }

    @Test("too little to fit: one point, one x value; two points fit exactly with no interval")
    func degenerate() throws {
        #expect(LinearFit(x: [1], y: [2]) == nil)
        #expect(LinearFit(x: [4, 4, 4], y: [1, 2, 3]) == nil)
        #expect(LinearFit(x: [1, 2], y: [1]) == nil)
        let two = try #require(LinearFit(x: [1, 3], y: [2, 6]))
        #expect(two.slope == 2 && two.intercept == 0 && two.rSquared == 1)
        #expect(two.residualStandardError == nil && two.predictionInterval(at: 5) == nil)
        let flat = try #require(LinearFit(x: [1, 2, 3], y: [7, 7, 7]))
        #expect(flat.rSquared == 1 && flat.slope == 0)
    }
}
