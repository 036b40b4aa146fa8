/// An ordinary least-squares line `y = intercept + slope · x`, with what an interval around a
/// prediction needs: the residual standard error and the spread of the x values.
///
/// For a new observation at x the 95% prediction interval is
/// `ŷ ± t(0.975, n − 2) · s · √(1 + 1/n + (x − x̄)² / Sxx)`, where `s² = SSres / (n − 2)` and
/// `Sxx = Σ(xᵢ − x̄)²`; without the `1 +` it is the confidence interval of the fitted mean.
public struct LinearFit: Sendable, Equatable, Codable {
    public var count: Int
    public var intercept: Double
    public var slope: Double
    /// 1 − SSres / SStot; 1 when every y is the same and the line passes through them.
    public var rSquared: Double
    /// √(SSres / (n − 2)); nil with two points, which a line always fits exactly.
    public var residualStandardError: Double?
    public var meanX: Double
    /// Σ(xᵢ − x̄)².
    public var sumOfSquaresX: Double
    /// The range of x fitted over, to tell interpolation from extrapolation.
    public var minX: Double
    public var maxX: Double

    /// Nil unless there are at least two points and two different x values, all finite, and
    /// the fit itself is finite (values near the largest Double overflow its sums).
    public init?(x: [Double], y: [Double]) {
        guard x.count == y.count, x.count >= 2, (x + y).allSatisfy(\.isFinite),
              let minX = x.min(), let maxX = x.max(), minX < maxX else { return nil }
        let n = Double(x.count)
        let meanX = x.reduce(0, +) / n
        let meanY = y.reduce(0, +) / n
        // Centred sums: sizes are ~1e10 bytes, so raw Σx² would lose the residuals' digits.
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for (xi, yi) in zip(x, y) {
            sxx += (xi - meanX) * (xi - meanX)
            sxy += (xi - meanX) * (yi - meanY)
            syy += (yi - meanY) * (yi - meanY)
        }
        let slope = sxy / sxx
        let intercept = meanY - slope * meanX
        var residuals = 0.0
        for (xi, yi) in zip(x, y) {
            let residual = yi - (intercept + slope * xi)
            residuals += residual * residual
        }
        guard [sxx, sxy, syy, slope, intercept, residuals].allSatisfy(\.isFinite) else { return nil }
        self.count = x.count
        self.intercept = intercept
        self.slope = slope
        self.rSquared = syy > 0 ? max(0, 1 - residuals / syy) : 1
        self.residualStandardError = x.count > 2 ? (residuals / (n - 2)).squareRoot() : nil
        self.meanX = meanX
        self.sumOfSquaresX = sxx
        self.minX = minX
        self.maxX = maxX
    }

    public func predict(_ x: Double) -> Double { intercept + slope * x }

    /// The standard error of the fitted mean at x: `s · √(1/n + (x − x̄)² / Sxx)`.
    public func meanStandardError(at x: Double) -> Double? {
        residualStandardError.map { $0 * (1 / Double(count) + (x - meanX) * (x - meanX) / sumOfSquaresX).squareRoot() }
    }

    /// The standard error of one new observation at x: `s · √(1 + 1/n + (x − x̄)² / Sxx)`.
    public func predictionStandardError(at x: Double) -> Double? {
        residualStandardError.map { $0 * (1 + 1 / Double(count) + (x - meanX) * (x - meanX) / sumOfSquaresX).squareRoot() }
    }

    /// Where one new observation at x falls with probability `level`; nil with two points.
    public func predictionInterval(at x: Double, level: Double = 0.95) -> ClosedRange<Double>? {
        guard count > 2, let error = predictionStandardError(at: x) else { return nil }
        let half = StudentT.twoSided(level, degreesOfFreedom: count - 2) * error
        let centre = predict(x)
        // A Range of NaN or reversed bounds traps: an interval that overflowed is no interval.
        guard half.isFinite, half >= 0, (centre - half).isFinite, (centre + half).isFinite else { return nil }
        return (centre - half)...(centre + half)
    }
}
