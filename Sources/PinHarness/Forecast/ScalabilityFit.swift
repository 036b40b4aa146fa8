/// Gunther's Universal Scalability Law fitted to measured speedups:
/// `S(N) = N / (1 + σ(N − 1) + κN(N − 1))`, σ the contention (the serial share), κ the
/// coherency cost (every pair of threads paying to agree; what makes speedup fall again).
///
/// Fitted by least squares on the linearised form `N/S − 1 = σ(N − 1) + κN(N − 1)`: a
/// regression on two regressors with no intercept (S(1) = 1 by definition, so the point at
/// N = 1 is zero on both sides and carries nothing). Each equation is weighted by `S/N`, which
/// makes its residual the point's relative speedup error: timing noise is relative, and
/// unweighted the many-thread points (whose N/S is largest) would carry more noise than the
/// rest and the interval of `relativeHalfWidth` would cover less than it says (89% for 95% on
/// 1% noise over 2..16 threads; 95% weighted). σ and κ must be ≥ 0; when the free fit gives a
/// negative one, that one is held at 0 and the other refitted (of the two such refits, the one
/// with the smaller squared error). With a single thread count above 1 the two cannot be told
/// apart, so σ is fitted alone and κ is 0.
public struct ScalabilityFit: Sendable, Equatable, Codable {
    /// A measured speedup, and its relative standard error when it is known (the error of the
    /// ratio of two fitted times).
    public struct Point: Sendable, Equatable, Codable {
        public var threads: Int
        public var speedup: Double
        public var relativeError: Double?

        public init(threads: Int, speedup: Double, relativeError: Double? = nil) {
            self.threads = threads
            self.speedup = speedup
            self.relativeError = relativeError
        }
    }

    /// How a parameter got its value.
    public enum Estimate: String, Sendable, Codable {
        /// Least squares.
        case fitted
        /// The free fit made it negative: held at 0, the other refitted.
        case clamped
        /// κ with one thread count above 1: not separable from σ, held at 0.
        case notSeparable = "not-separable"
    }

    public var sigma: Double
    public var kappa: Double
    public var sigmaEstimate: Estimate
    public var kappaEstimate: Estimate
    /// The points fitted (threads above 1 with a positive speedup), ascending.
    public var points: [Point]

    /// Nil unless some point has more than one thread and a positive speedup.
    public init?(_ points: [Point]) {
        let points = points.filter { $0.threads > 1 && $0.speedup > 0 && $0.speedup.isFinite }.sorted { $0.threads < $1.threads }
        guard !points.isEmpty else { return nil }
        self.points = points
        let design = Self.design(points)
        let separable = Set(points.map(\.threads)).count >= 2
        let sigmaOnly = Self.solve(design, sigma: true, kappa: false)
        guard separable else {
            (sigma, kappa) = (max(0, sigmaOnly.sigma), 0)
            (sigmaEstimate, kappaEstimate) = (sigmaOnly.sigma < 0 ? .clamped : .fitted, .notSeparable)
            return
        }
        let free = Self.solve(design, sigma: true, kappa: true)
        if free.sigma >= 0 && free.kappa >= 0 {
            (sigma, kappa, sigmaEstimate, kappaEstimate) = (free.sigma, free.kappa, .fitted, .fitted)
            return
        }
        // The constrained optimum lies on an edge: σ = 0 or κ = 0, the other clamped to ≥ 0.
        let kappaOnly = Self.solve(design, sigma: false, kappa: true)
        let onSigma = (sigma: max(0, sigmaOnly.sigma), kappa: 0.0)
        let onKappa = (sigma: 0.0, kappa: max(0, kappaOnly.kappa))
        if Self.squaredError(design, onSigma) <= Self.squaredError(design, onKappa) {
            (sigma, kappa) = onSigma
            (sigmaEstimate, kappaEstimate) = (sigmaOnly.sigma < 0 ? .clamped : .fitted, .clamped)
        } else {
            (sigma, kappa) = onKappa
            (sigmaEstimate, kappaEstimate) = (.clamped, kappaOnly.kappa < 0 ? .clamped : .fitted)
        }
    }

    /// The modelled speedup at `threads`.
    public func speedup(at threads: Int) -> Double {
        let n = Double(threads)
        return n / (1 + sigma * (n - 1) + kappa * n * (n - 1))
    }

    /// Where the modelled speedup peaks, `√((1 − σ) / κ)`; nil when κ is 0 (it never does).
    public var peakThreads: Double? {
        guard kappa > 0, sigma < 1 else { return nil }
        return ((1 - sigma) / kappa).squareRoot()
    }

    // MARK: - Linearised regression

    /// One row per point: `(x1, x2, y) = (N − 1, N(N − 1), N/S − 1)`, each times the weight S/N.
    typealias Row = (x1: Double, x2: Double, y: Double)

    static func design(_ points: [Point]) -> [Row] {
        points.map { point in
            let n = Double(point.threads)
            let weight = point.speedup / n
            return ((n - 1) * weight, n * (n - 1) * weight, (n / point.speedup - 1) * weight)
        }
    }

    /// Least squares over the chosen regressors (the others held at 0), by the normal equations
    /// of the weighted rows.
    static func solve(_ rows: [Row], sigma: Bool, kappa: Bool) -> (sigma: Double, kappa: Double) {
        let a11 = rows.reduce(0) { $0 + $1.x1 * $1.x1 }
        let a12 = rows.reduce(0) { $0 + $1.x1 * $1.x2 }
        let a22 = rows.reduce(0) { $0 + $1.x2 * $1.x2 }
        let b1 = rows.reduce(0) { $0 + $1.x1 * $1.y }
        let b2 = rows.reduce(0) { $0 + $1.x2 * $1.y }
        switch (sigma, kappa) {
        case (true, true):
            let determinant = a11 * a22 - a12 * a12
            return ((b1 * a22 - b2 * a12) / determinant, (a11 * b2 - a12 * b1) / determinant)
        case (true, false): return (b1 / a11, 0)
        case (false, true): return (0, b2 / a22)
        case (false, false): return (0, 0)
        }
    }

    static func squaredError(_ rows: [Row], _ parameters: (sigma: Double, kappa: Double)) -> Double {
        rows.reduce(0) { total, row in
            let residual = row.y - parameters.sigma * row.x1 - parameters.kappa * row.x2
            return total + residual * residual
        }
    }
}
