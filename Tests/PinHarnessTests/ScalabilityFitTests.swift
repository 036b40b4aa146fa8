@testable import PinHarness
import Testing

@Suite("ScalabilityFit: the Universal Scalability Law from speedups")
struct ScalabilityFitTests {
    static let threads = [1, 2, 4, 8, 16]

    static func points(sigma: Double, kappa: Double, threads: [Int] = threads, error: Double? = nil) -> [ScalabilityFit.Point] {
        threads.map { .init(threads: $0, speedup: ForecastFixtures.usl($0, sigma: sigma, kappa: kappa), relativeError: error) }
    }

    @Test("exact speedups with σ = 0.05, κ = 0.002 over 1, 2, 4, 8, 16 threads give back σ and κ")
    func exact() throws {
        let fit = try #require(ScalabilityFit(Self.points(sigma: 0.05, kappa: 0.002)))
        #expect(abs(fit.sigma - 0.05) < 1e-9 && abs(fit.kappa - 0.002) < 1e-9)
        #expect(fit.sigmaEstimate == .fitted && fit.kappaEstimate == .fitted)
        #expect(fit.points.map(\.threads) == [2, 4, 8, 16], "N = 1 carries nothing and is left out")
        #expect(abs(fit.speedup(at: 32) - ForecastFixtures.usl(32, sigma: 0.05, kappa: 0.002)) < 1e-9)
        #expect(abs(try #require(fit.peakThreads) - (0.95 / 0.002).squareRoot()) < 1e-6)
        #expect(fit.relativeHalfWidth(at: 32) < 1e-6, "no scatter and no point error: no width")
    }

    @Test("with 1% noise on each speedup, σ and κ within tolerance")
    func noisy() throws {
        var fixtures = ForecastFixtures(seed: 5)
        var sigmas: [Double] = [], kappas: [Double] = []
        for _ in 0..<50 {
            let points = Self.threads.map { n in
                ScalabilityFit.Point(threads: n, speedup: ForecastFixtures.usl(n, sigma: 0.05, kappa: 0.002) * (1 + 0.01 * fixtures.gaussian()))
            }
            let fit = try #require(ScalabilityFit(points))
            sigmas.append(fit.sigma)
            kappas.append(fit.kappa)
            #expect(abs(fit.sigma - 0.05) < 0.02 && abs(fit.kappa - 0.002) < 0.001, "σ \(fit.sigma), κ \(fit.kappa)")
        }
        // Unbiased on average.
        #expect(abs(sigmas.reduce(0, +) / 50 - 0.05) < 0.005 && abs(kappas.reduce(0, +) / 50 - 0.002) < 0.0003)
    }

    @Test("two thread counts: σ alone (Amdahl), κ not separable")
    func twoThreadCounts() throws {
        let fit = try #require(ScalabilityFit(Self.points(sigma: 0.1, kappa: 0, threads: [1, 8])))
        #expect(abs(fit.sigma - 0.1) < 1e-12 && fit.kappa == 0)
        #expect(fit.kappaEstimate == .notSeparable && fit.peakThreads == nil)
        #expect(ScalabilityFit(Self.points(sigma: 0.1, kappa: 0, threads: [1])) == nil)
    }

    /// One regressor alone by weighted least squares, written out: Σ v²xy / Σ v²x², v = S/N = 1/(1 + y).
    static func alone(_ x: [Double], _ y: [Double]) -> Double {
        let v = y.map { 1 / (1 + $0) }
        let numerator = zip(zip(x, y), v).reduce(0) { $0 + $1.1 * $1.1 * $1.0.0 * $1.0.1 }
        return numerator / zip(x, v).reduce(0) { $0 + $1.1 * $1.1 * $1.0 * $1.0 }
    }

    @Test("a negative κ is held at 0 and σ refitted alone")
    func negativeKappa() throws {
        // y = 0.1(N − 1) − 0.001 N(N − 1) at N = 2, 4, 8: y = 0.098, 0.288, 0.644 on x₁ = 1, 3, 7.
        let fit = try #require(ScalabilityFit(Self.points(sigma: 0.1, kappa: -0.001, threads: [2, 4, 8])))
        #expect(fit.kappa == 0 && fit.kappaEstimate == .clamped && fit.sigmaEstimate == .fitted)
        let expected = Self.alone([1, 3, 7], [0.098, 0.288, 0.644])
        #expect(abs(fit.sigma - expected) < 1e-9, "σ \(fit.sigma), want \(expected)")
        #expect(abs(expected - 0.0931) < 0.0001, "weighted 0.0931; unweighted it would be 5.47 / 59 = 0.0927")
    }

    @Test("a negative σ is held at 0 and κ refitted alone")
    func negativeSigma() throws {
        // y = −0.02(N − 1) + 0.003 N(N − 1) at N = 2, 4, 8, 16.
        let threads = [2, 4, 8, 16]
        let fit = try #require(ScalabilityFit(Self.points(sigma: -0.02, kappa: 0.003, threads: threads)))
        let x1 = threads.map { Double($0 - 1) }, x2 = threads.map { Double($0 * ($0 - 1)) }
        let y = zip(x1, x2).map { -0.02 * $0 + 0.003 * $1 }
        let expected = Self.alone(x2, y)
        #expect(fit.sigma == 0 && fit.sigmaEstimate == .clamped && fit.kappaEstimate == .fitted)
        #expect(abs(fit.kappa - expected) < 1e-12, "κ \(fit.kappa), want \(expected)")
    }

    @Test("superlinear speedups hold both at 0: perfect scaling")
    func superlinear() throws {
        let points = [2, 4, 8].map { ScalabilityFit.Point(threads: $0, speedup: Double($0) * 1.1) }
        let fit = try #require(ScalabilityFit(points))
        #expect(fit.sigma == 0 && fit.kappa == 0 && fit.speedup(at: 8) == 8)
        #expect(fit.sigmaEstimate == .clamped && fit.kappaEstimate == .clamped)
    }

    @Test("the speedup's interval grows past the measured threads, holds the true law, and exists without scatter when the points carry errors")
    func interval() throws {
        var fixtures = ForecastFixtures(seed: 9)
        var covered = 0, trials = 0
        for _ in 0..<300 {
            let points = Self.threads.map { n in
                ScalabilityFit.Point(threads: n, speedup: ForecastFixtures.usl(n, sigma: 0.05, kappa: 0.002) * (1 + 0.01 * fixtures.gaussian()))
            }
            let fit = try #require(ScalabilityFit(points))
            guard fit.sigmaEstimate == .fitted && fit.kappaEstimate == .fitted else { continue }
            trials += 1
            #expect(fit.relativeHalfWidth(at: 32) > fit.relativeHalfWidth(at: 16))
            #expect(fit.relativeHalfWidth(at: 64) > fit.relativeHalfWidth(at: 32))
            let truth = ForecastFixtures.usl(24, sigma: 0.05, kappa: 0.002)
            if abs(fit.speedup(at: 24) / truth - 1) <= fit.relativeHalfWidth(at: 24) { covered += 1 }
        }
        #expect(trials > 250 && Double(covered) / Double(trials) > 0.9, "the true S(24) inside \(covered) of \(trials) times")

        // Exactly determined (two points, two parameters): the width comes from the points' errors.
        let exact = try #require(ScalabilityFit(Self.points(sigma: 0.05, kappa: 0.002, threads: [1, 4, 8], error: 0.01)))
        #expect(exact.kappaEstimate == .fitted)
        let width = exact.relativeHalfWidth(at: 16)
        #expect(width > 0.0196 && width < 0.5, "width \(width)")
        let without = try #require(ScalabilityFit(Self.points(sigma: 0.05, kappa: 0.002, threads: [1, 4, 8])))
        #expect(without.relativeHalfWidth(at: 16) == 0)
    }
}
