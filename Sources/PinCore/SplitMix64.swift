/// A small seeded random number generator (Steele, Lea and Flood's SplitMix64), so a sweep's
/// shuffled order is reproducible from the seed it records, on any machine and Swift version.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `values` in an order drawn from `seed` (Fisher-Yates written out here, because the
    /// standard library does not promise its shuffle algorithm stays the same).
    public static func shuffled<T>(_ values: [T], seed: UInt64) -> [T] {
        var generator = SplitMix64(seed: seed)
        var result = values
        var index = result.count - 1
        while index > 0 {
            let other = Int(generator.next() % UInt64(index + 1))
            result.swapAt(index, other)
            index -= 1
        }
        return result
    }
}
