import PinCore

/// The `m × n` differences `new[j] - base[i]` of two samples, without making them: the Hodges-
/// Lehmann shift and its interval are order statistics of these, and two sets of 1000 runs
/// would make a million of them (100 000 runs, allowed per cell, ten billion).
///
/// With both samples sorted, each row `i` of differences rises with `j` and each column falls
/// with `i`, so how many differences lie below a value is counted in one pass over both
/// (`counts`), and the k-th smallest is found by narrowing, per row, the band of columns that
/// can still hold it around pivots drawn from the band (a randomized selection in the sorted
/// matrix, as Monahan's algorithm for the Hodges-Lehmann estimator).
struct PairwiseDifferences: Sendable {
    let base: [Double]
    let new: [Double]

    /// Sorts both samples.
    init(base: [Double], new: [Double]) {
        self.base = base.sorted()
        self.new = new.sorted()
    }

    var count: Int { base.count * new.count }

    func difference(_ i: Int, _ j: Int) -> Double { new[j] - base[i] }

    /// Per row, how many differences are below `value` (`less`) and at most `value` (`atMost`).
    /// A row's counts never fall as `i` grows (its differences do), so one pointer each serves
    /// every row. Rounding is monotonic, so the computed differences keep that order.
    func counts(_ value: Double) -> (less: [Int], atMost: [Int]) {
        var less = [Int](repeating: 0, count: base.count)
        var atMost = [Int](repeating: 0, count: base.count)
        var below = 0, notAbove = 0
        for i in base.indices {
            while below < new.count && difference(i, below) < value { below += 1 }
            while notAbove < new.count && difference(i, notAbove) <= value { notAbove += 1 }
            less[i] = below
            atMost[i] = notAbove
        }
        return (less, atMost)
    }

    /// The `k`-th smallest difference, `k` in 1...count.
    func smallest(_ k: Int) -> Double {
        precondition(k >= 1 && k <= count, "difference \(k) of \(count)")
        // Columns lo[i]..<hi[i] of row i may still hold the answer; those left of the band are
        // below it, those right of it above.
        var lo = [Int](repeating: 0, count: base.count)
        var hi = [Int](repeating: new.count, count: base.count)
        var generator = SplitMix64(seed: 0x5EED)
        while true {
            let active = zip(lo, hi).reduce(0) { $0 + $1.1 - $1.0 }
            let below = lo.reduce(0, +)
            if active <= Swift.max(64, base.count + new.count) {
                var band: [Double] = []
                band.reserveCapacity(active)
                for i in base.indices where lo[i] < hi[i] {
                    for j in lo[i]..<hi[i] { band.append(difference(i, j)) }
                }
                band.sort()
                return band[k - below - 1]
            }
            // A pivot drawn uniformly from the band, so each step drops a share of it.
            var pick = Int(generator.next() % UInt64(active))
            var pivot = 0.0
            for i in base.indices {
                let width = hi[i] - lo[i]
                if pick < width {
                    pivot = difference(i, lo[i] + pick)
                    break
                }
                pick -= width
            }
            let (less, atMost) = counts(pivot)
            let lessTotal = less.reduce(0, +), atMostTotal = atMost.reduce(0, +)
            if k <= lessTotal {
                for i in base.indices { hi[i] = Swift.min(hi[i], less[i]) }
            } else if k > atMostTotal {
                for i in base.indices { lo[i] = Swift.max(lo[i], atMost[i]) }
            } else {
                return pivot
            }
        }
    }

    /// The median of all differences: the Hodges-Lehmann estimate of the shift.
    var median: Double {
        let total = count
        if total % 2 == 1 { return smallest(total / 2 + 1) }
        // Halves first, as `Statistics` does: two differences near the largest Double overflow.
        return smallest(total / 2) / 2 + smallest(total / 2 + 1) / 2
    }
}
