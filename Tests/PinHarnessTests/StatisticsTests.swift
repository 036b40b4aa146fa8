import PinHarness
import Testing

@Suite("Statistics against hand-computed values")
struct StatisticsTests {
    @Test func oddSample() throws {
        let stats = try #require(Statistics([5, 1, 4, 2, 3]))
        #expect(stats.median == 3 && stats.min == 1 && stats.max == 5 && stats.mean == 3)
        #expect(abs(stats.standardDeviation - 1.581_138_83) < 1e-8)  // sqrt(10 / 4)
    }

    @Test func evenSample() throws {
        let stats = try #require(Statistics([4, 1, 3, 2]))
        #expect(stats.median == 2.5)
        #expect(Statistics([7])?.standardDeviation == 0)
        #expect(Statistics([]) == nil)
    }

    @Test func formatting() {
        #expect(DurationFormat.seconds(0.4123) == "412 ms")
        #expect(DurationFormat.seconds(1.23456) == "1.235 s")
        #expect(DurationFormat.seconds(0.0000852) == "85.2 µs")
        #expect(DurationFormat.ratio(11.91) == "11.91x")
    }
}
