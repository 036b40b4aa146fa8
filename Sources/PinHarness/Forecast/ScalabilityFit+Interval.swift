// MARK: - How far to trust a modelled speedup

extension ScalabilityFit {
    /// The relative half-width (0.1 = ±10%) of the `level` interval of the modelled speedup at
    /// `threads`.
    ///
    /// With X the weighted rows (`design`) over the free parameters (σ and κ unless held at 0)
    /// and g(N) = (N − 1, N(N − 1)) unweighted, the fitted `ŷ(N) = N/S(N) − 1` is a sum
    /// `Σ wᵢ yᵢ` of the weighted points with `wᵢ = g(N)ᵀ (XᵀX)⁻¹ xᵢ`, and a weighted point's error
    /// is its relative speedup error. So the error of ŷ comes from two places, and the larger is
    /// taken:
    /// - the scatter of the points about the law (residual standard error `s` with `m − p`
    ///   degrees of freedom): `t · s · √(g(N)ᵀ (XᵀX)⁻¹ g(N))`, the least-squares interval of the
    ///   mean; it needs more points than parameters, and it grows as N leaves the measured range;
    /// - the points' own errors (`relativeError` eᵢ, from the size fits they came from):
    ///   `z · √(Σ wᵢ² eᵢ²)`, which still holds when the law fits exactly.
    /// A relative error in `1 + ŷ` is the same relative error in S, since `S = N / (1 + ŷ)`.
    /// Zero when no parameter is free (both held at 0: perfect scaling assumed).
    public func relativeHalfWidth(at threads: Int, level: Double = 0.95) -> Double {
        let rows = Self.design(points)
        var regressors: [(Row) -> Double] = []
        if sigmaEstimate == .fitted { regressors.append { $0.x1 } }
        if kappaEstimate == .fitted { regressors.append { $0.x2 } }
        guard !regressors.isEmpty else { return 0 }
        let n = Double(threads)
        let target: Row = (n - 1, n * (n - 1), 0)
        let g = regressors.map { $0(target) }
        // (XᵀX)⁻¹ for one or two regressors.
        var normal = [[Double]](repeating: [Double](repeating: 0, count: regressors.count), count: regressors.count)
        for row in rows {
            let x = regressors.map { $0(row) }
            for i in x.indices { for j in x.indices { normal[i][j] += x[i] * x[j] } }
        }
        let inverse: [[Double]]
        if regressors.count == 1 {
            inverse = [[1 / normal[0][0]]]
        } else {
            let determinant = normal[0][0] * normal[1][1] - normal[0][1] * normal[1][0]
            guard determinant > 0 else { return 0 }
            inverse = [[normal[1][1] / determinant, -normal[0][1] / determinant],
                       [-normal[1][0] / determinant, normal[0][0] / determinant]]
        }
        let h = g.indices.map { i in g.indices.reduce(0) { $0 + inverse[i][$1] * g[$1] } }  // (XᵀX)⁻¹ g
        let leverage = zip(g, h).reduce(0) { $0 + $1.0 * $1.1 }

        var half = 0.0
        let degrees = rows.count - regressors.count
        if degrees >= 1 {
            let s2 = Self.squaredError(rows, (sigma, kappa)) / Double(degrees)
            half = StudentT.twoSided(level, degreesOfFreedom: degrees) * (s2 * leverage).squareRoot()
        }
        if points.allSatisfy({ $0.relativeError != nil }) {
            var variance = 0.0
            for (point, row) in zip(points, rows) {
                let weight = zip(h, regressors.map { $0(row) }).reduce(0) { $0 + $1.0 * $1.1 }
                let error = point.relativeError!
                variance += weight * weight * error * error
            }
            half = max(half, StudentT.normalQuantile(1 - (1 - level) / 2) * variance.squareRoot())
        }
        return half / (1 + sigma * target.x1 + kappa * target.x2)
    }
}
