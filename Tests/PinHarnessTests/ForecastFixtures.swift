#if canImport(Glibc)
import Glibc
#endif
@testable import PinHarness
import PinCore

/// Timings that follow known laws, with seeded noise, for the forecast tests.
struct ForecastFixtures {
    var generator: SplitMix64

    init(seed: UInt64 = 42) { generator = SplitMix64(seed: seed) }

    /// A standard normal draw (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = (Double(generator.next() >> 11) + 0.5) / Double(1 << 53)
        let u2 = Double(generator.next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Gunther's law.
    static func usl(_ threads: Int, sigma: Double, kappa: Double) -> Double {
        let n = Double(threads)
        return n / (1 + sigma * (n - 1) + kappa * n * (n - 1))
    }

    /// One thread's pin: 5 ms + size / (8 GiB/s); unpin: 1 ms + size / (40 GiB/s).
    static func pinSeconds(_ size: Int) -> Double { 0.005 + Double(size) / (8 * Double(1 << 30)) }
    static func unpinSeconds(_ size: Int) -> Double { 0.001 + Double(size) / (40 * Double(1 << 30)) }

    /// A sweep's records: single, and `strategies` at `threads`, `rounds` measured rounds per
    /// cell after one warm-up that took ten times longer (and one failed run, as long), each
    /// threaded time the 1-thread one over the USL with σ = 0.05, κ = 0.002 (pin) and σ = 0.1,
    /// κ = 0 (unpin), with relative noise `noise`. `slowdown` multiplies the time at a size.
    mutating func sweep(sizes: [Int], threads: [Int], strategies: [String] = ["user", "kernel"], rounds: Int = 6,
                        noise: Double = 0.002, slowdown: [Int: Double] = [:]) -> [RunRecord] {
        var records: [RunRecord] = []
        for size in sizes {
            let factor = slowdown[size] ?? 1
            var cells: [(String, Int)] = [("single", 1)]
            for strategy in strategies { cells += threads.map { (strategy, $0) } }
            for (strategy, n) in cells {
                let pin = Self.pinSeconds(size) * factor / Self.usl(n, sigma: 0.05, kappa: 0.002)
                let unpin = Self.unpinSeconds(size) * factor / Self.usl(n, sigma: 0.1, kappa: 0)
                records.append(SweepFixtures.record(strategy, threads: n, pin: pin * 10, unpin: unpin * 10, size: size,
                                                    warmup: true, round: 0))
                for round in 1...rounds {
                    records.append(SweepFixtures.record(strategy, threads: n, pin: pin * (1 + noise * gaussian()),
                                                        unpin: unpin * (1 + noise * gaussian()), size: size, round: round))
                }
                records.append(SweepFixtures.record(strategy, threads: n, pin: pin * 10, unpin: unpin * 10, size: size,
                                                    verified: false, round: rounds + 1))
            }
        }
        return records
    }

    static let gib = 1 << 30
}
