@testable import PinHarness
import PinCore
import Testing

@Suite("Forecast: size fits and USL speedups from a synthetic result set")
struct ForecastTests {
    static let gib = ForecastFixtures.gib
    static let sizes = [1, 2, 4, 8].map { $0 * gib }
    static let threads = [1, 2, 4, 8, 16]

    /// A result set on disk, read back as the command reads it.
    static func roundTrip(_ records: [RunRecord]) throws -> [RunRecord] {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try SweepFixtures.resultSet(records, at: folder, name: "set")
        return try ResultSet.open(set.directory).readUniqueRecords().records
    }

    static func row(_ forecast: Forecast, _ strategy: Strategy, _ phase: Forecast.Phase = .pin) throws -> Forecast.Prediction {
        try #require(forecast.predictions.first { $0.series.strategy == strategy && $0.phase == phase })
    }

    /// The law the fixtures follow at `size` and `threads`.
    static func truth(_ size: Int, threads: Int, _ phase: Forecast.Phase = .pin) -> Double {
        phase == .pin ? ForecastFixtures.pinSeconds(size) / ForecastFixtures.usl(threads, sigma: 0.05, kappa: 0.002)
            : ForecastFixtures.unpinSeconds(size) / ForecastFixtures.usl(threads, sigma: 0.1, kappa: 0)
    }

    @Test("1T at the largest thread count: each cell's line at 1T, warm-ups and failed runs left out, the extrapolation said")
    func measuredThreads() throws {
        var fixtures = ForecastFixtures()
        let records = try Self.roundTrip(fixtures.sweep(sizes: Self.sizes, threads: Self.threads))
        let forecast = try Forecast(records: records, size: .tib(1))
        #expect(forecast.threads == 16 && forecast.sizesMeasured == Self.sizes && forecast.threadCounts == Self.threads)
        #expect(forecast.predictions.count == 6)  // single, user, kernel × pin, unpin
        for strategy in Strategy.allCases {
            for phase in Forecast.Phase.allCases {
                let row = try Self.row(forecast, strategy, phase)
                let truth = Self.truth(1 << 40, threads: strategy == .single ? 1 : 16, phase)
                let seconds = try #require(row.seconds)
                #expect(abs(seconds / truth - 1) < 0.01, "\(strategy) \(phase): \(seconds) s, law \(truth) s")
                let (low, high) = (try #require(row.low), try #require(row.high))
                #expect(low < truth && truth < high, "\(strategy) \(phase)")
                #expect(row.method == .sizeFit && row.threads == (strategy == .single ? 1 : 16))
                #expect(row.notes.contains("128.0x past the largest size measured (8G)"), "\(row.notes)")
                #expect(abs(try #require(row.gibPerSecond) - 1024 / seconds) < 1e-9)
            }
        }
        // The per-byte cost is the law's 8 GiB/s, the fixed cost its 5 ms.
        let single = try #require(forecast.fits.first { $0.series.strategy == .single && $0.phase == .pin })
        let rate = try #require(single.gibPerSecond)
        #expect(abs(rate - 8) < 0.05 && abs(single.fixedSeconds - 0.005) < 0.002)
        #expect(single.fit.count == 4 * 6, "6 measured rounds per size; warm-ups and the failed run left out")
        let user = try Self.row(forecast, .user)
        let (sigma, kappa) = (try #require(user.sigma), try #require(user.kappa))
        #expect(abs(sigma - 0.05) < 0.01 && abs(kappa - 0.002) < 0.0005)
    }

    @Test("a thread count not measured: the 1-thread fit over the USL speedup, a wider interval that holds the law")
    func scaledThreads() throws {
        var fixtures = ForecastFixtures()
        let records = try Self.roundTrip(fixtures.sweep(sizes: Self.sizes, threads: Self.threads))
        let at16 = try Forecast(records: records, size: .gib(64), threads: 16)
        let at32 = try Forecast(records: records, size: .gib(64), threads: 32)
        for strategy in [Strategy.user, .kernel] {
            let row = try Self.row(at32, strategy)
            let truth = Self.truth(64 * Self.gib, threads: 32)
            let seconds = try #require(row.seconds)
            #expect(row.method == .scaled)
            #expect(abs(seconds / truth - 1) < 0.02, "\(strategy): \(seconds) s, law \(truth) s")
            let (low, high) = (try #require(row.low), try #require(row.high))
            #expect(low < truth && truth < high, "\(strategy): \(low)...\(high) should hold \(truth)")
            let measured = try Self.row(at16, strategy)
            let (measuredLow, measuredHigh, measuredSeconds) = (try #require(measured.low), try #require(measured.high),
                                                                try #require(measured.seconds))
            #expect((high - low) / seconds > (measuredHigh - measuredLow) / measuredSeconds, "scaling adds the speedup's error")
            #expect(row.notes.contains("32 threads: 2.0x past the largest thread count measured (16)"), "\(row.notes)")
            #expect(abs(try #require(row.speedup) - ForecastFixtures.usl(32, sigma: 0.05, kappa: 0.002)) < 0.5)
        }
        // single ignores --threads.
        let single = try Self.row(at32, .single)
        #expect(single.threads == 1 && single.method == .sizeFit)
    }

    @Test("no 1-thread cell of the strategy: speedups over single, and said so")
    func singleBaseline() throws {
        var fixtures = ForecastFixtures()
        let records = fixtures.sweep(sizes: Self.sizes, threads: [2, 4, 8])
        let forecast = try Forecast(records: records, size: .gib(16), threads: 16)
        let row = try Self.row(forecast, .kernel)
        let scaling = try #require(forecast.scaling.first { $0.series.strategy == .kernel && $0.phase == .pin })
        #expect(scaling.baseline == "single")
        #expect(row.notes.contains("speedup over single (no kernel/1 cell)"), "\(row.notes)")
        #expect(abs(try #require(row.seconds) / Self.truth(16 * Self.gib, threads: 16) - 1) < 0.03)
    }

    @Test("two thread counts: σ alone, κ 0, and the row says κ could not be separated")
    func twoThreadCounts() throws {
        var fixtures = ForecastFixtures()
        let forecast = try Forecast(records: fixtures.sweep(sizes: Self.sizes, threads: [1, 8]), size: .gib(16), threads: 16)
        let row = try Self.row(forecast, .user)
        #expect(row.kappa == 0 && row.method == .scaled)
        #expect(row.notes.contains("one thread count above 1: σ alone, κ not separable"), "\(row.notes)")
    }

    @Test("refusals: one size (with the sweep to run), no verified run, a zero size")
    func refusals() throws {
        var fixtures = ForecastFixtures()
        let oneSize = fixtures.sweep(sizes: [Self.gib], threads: [1, 2])
        let error = try #require(throws: HarnessError.self) { try Forecast(records: oneSize, size: .tib(1)) }
        #expect(error.exitCode == 2)
        #expect(error.description.contains("needs at least 2 sizes"), "\(error)")
        #expect(error.description.contains("`pinbench sweep --sizes 1G,2G,4G,8G,16G`"), "\(error)")
        let failed = oneSize.filter { !$0.verified || $0.warmup }
        let none = try #require(throws: HarnessError.self) { try Forecast(records: failed, size: .tib(1)) }
        #expect(none.description.contains("no verified measured runs") && none.exitCode == 2, "\(none)")
        #expect(throws: HarnessError.self) { try Forecast(records: fixtures.sweep(sizes: Self.sizes, threads: [1]), size: ByteSize(0)) }
    }
}
