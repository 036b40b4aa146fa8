import PinCore
import Testing

@Suite("Seeded shuffles")
struct SplitMix64Tests {
    @Test("the reference sequence of SplitMix64 (seed 0)")
    func reference() {
        var generator = SplitMix64(seed: 0)
        // The first outputs of the published algorithm for seed 0.
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test("a shuffle is a permutation, the same for the same seed, different across seeds")
    func shuffle() {
        let values = Array(0..<40)
        let first = SplitMix64.shuffled(values, seed: 42)
        #expect(first.sorted() == values)
        #expect(first != values)
        #expect(SplitMix64.shuffled(values, seed: 42) == first)
        #expect(SplitMix64.shuffled(values, seed: 43) != first)
        #expect(SplitMix64.shuffled([Int](), seed: 1).isEmpty)
        #expect(SplitMix64.shuffled([7], seed: 1) == [7])
    }
}
