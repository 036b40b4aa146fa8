/// The exact null distribution of the Mann-Whitney U statistic for samples of `m` and `n`
/// values without ties: every interleaving of the two samples equally likely, U the count of
/// pairs in which the second sample's value is the larger.
///
/// Built by the recurrence on the largest of the `m + n` values: it belongs to the second
/// sample with probability `n / (m + n)` and then beats all `m` values of the first, so
/// `P(m, n; u) = n/(m+n) P(m, n-1; u-m) + m/(m+n) P(m-1, n; u)`. Probabilities rather than
/// counts, so nothing overflows, and every term is a positive sum (no cancellation).
struct UDistribution: Sendable {
    let m: Int
    let n: Int
    /// `P(U = u)` for u in 0...m*n.
    let probabilities: [Double]

    /// The largest `m` and `n` the exact distribution is built for: its cost grows as m²n²/4.
    static let largestSample = 49

    init(m: Int, n: Int) {
        precondition(m >= 0 && n >= 0 && m <= Self.largestSample && n <= Self.largestSample, "U distribution for \(m), \(n)")
        self.m = m
        self.n = n
        // row[j] is the distribution for (i, j) of the row i being built; previous is row i - 1.
        var previous: [[Double]] = (0...n).map { _ in [1] }  // i = 0: U is 0 whatever j
        if m > 0 {
            for i in 1...m {
                var row: [[Double]] = [[1]]  // j = 0: U is 0
                if n > 0 {
                    for j in 1...n {
                        let total = Double(i + j)
                        var p = [Double](repeating: 0, count: i * j + 1)
                        let largestIsSecond = Double(j) / total, largestIsFirst = Double(i) / total
                        for (u, value) in row[j - 1].enumerated() { p[u + i] += largestIsSecond * value }
                        for (u, value) in previous[j].enumerated() { p[u] += largestIsFirst * value }
                        row.append(p)
                    }
                }
                previous = row
            }
        }
        probabilities = previous[n]
    }

    /// `P(U <= u)`; 0 below 0, 1 from m*n on.
    func cumulative(_ u: Int) -> Double {
        guard u >= 0 else { return 0 }
        guard u < probabilities.count - 1 else { return 1 }
        return Swift.min(probabilities[0...u].reduce(0, +), 1)
    }
}
