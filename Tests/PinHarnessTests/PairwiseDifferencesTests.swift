import PinCore
@testable import PinHarness
import Testing

@Suite("The k-th smallest pairwise difference, without listing the differences")
struct PairwiseDifferencesTests {
    /// Every difference listed and sorted: what `smallest` must agree with.
    static func listed(_ base: [Double], _ new: [Double]) -> [Double] {
        base.flatMap { x in new.map { $0 - x } }.sorted()
    }

    @Test("every rank of samples with and without ties, of unequal sizes, matches the sorted list", arguments: [
        (7, 5, 1000), (40, 33, 1000), (64, 80, 7), (1, 200, 1000), (150, 1, 3),
    ])
    func everyRank(m: Int, n: Int, spread: Int) {
        // A few distinct values when the spread is small: many ties.
        var generator = SplitMix64(seed: UInt64(m * 1000 + n))
        let base = (0..<m).map { _ in Double(generator.next() % UInt64(spread)) / 100 }
        let new = (0..<n).map { _ in Double(generator.next() % UInt64(spread)) / 100 + 0.5 }
        let differences = PairwiseDifferences(base: base, new: new)
        let expected = Self.listed(base, new)
        #expect(differences.count == expected.count)
        for k in 1...expected.count { #expect(differences.smallest(k) == expected[k - 1], "k = \(k)") }
        let middle = expected.count / 2
        let median = expected.count % 2 == 1 ? expected[middle] : expected[middle - 1] / 2 + expected[middle] / 2
        #expect(differences.median == median)
    }

    @Test("counts below and at most a value, per row")
    func counts() {
        let differences = PairwiseDifferences(base: [2, 1], new: [3, 1, 2])  // rows: base 1: 0 1 2; base 2: -1 0 1
        let (less, atMost) = differences.counts(0)
        #expect(less == [0, 1] && atMost == [1, 2])
    }
}
