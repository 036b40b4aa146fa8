import Foundation
import PinCore
@testable import PinHarness
import Testing

/// The renderers and fits never print inf, nan or a negative time, nor trap, even on values
/// that slipped past the range checks (records built in memory are not read back).
@Suite("Impossible values never rendered")
struct ImpossibleValueRenderingTests {
    static func printsNothingImpossible(_ text: String) -> Bool {
        text.range(of: #"\b(inf|nan)(x|%|\b)|-\d[\d.]* (s|ms|µs|ns)\b"#, options: .regularExpression) == nil
    }

    @Test("durations, ratios, intervals and shares of infinite, NaN or negative values print as a dash or '< 0 s'")
    func durationFormat() {
        #expect(DurationFormat.seconds(.infinity) == "-")
        #expect(DurationFormat.seconds(.nan) == "-")
        #expect(DurationFormat.seconds(-0.496) == "< 0 s")
        #expect(DurationFormat.seconds(5e307) == "-")
        #expect(DurationFormat.ratio(.infinity) == "-")
        #expect(DurationFormat.ratio(-2) == "-")
        #expect(DurationFormat.interval(.nan, 1) == "-")
        #expect(DurationFormat.interval(2, 1) == "-")
        #expect(DurationFormat.percent(.nan) == "-")
        #expect(SummaryTable.ratio(1, Double.leastNonzeroMagnitude) == nil)
        #expect(Forecast.coefficient(-0.5) == "0")
        #expect(Forecast.coefficient(.nan) == "-")
    }

    @Test("statistics of values near the largest Double stay finite; a NaN or infinity makes none")
    func statistics() throws {
        let huge = try #require(Statistics([1e308, 1.5e308, 1.7e308]))
        #expect(huge.mean.isFinite && huge.standardDeviation.isFinite && huge.median == 1.5e308)
        let pair = try #require(Statistics([1.7e308, 1.7e308]))
        #expect(pair.median == 1.7e308)
        #expect(Statistics([1, .nan]) == nil)
        #expect(Statistics([.infinity]) == nil)
    }

    @Test("a line through overflowing values is no line, and its interval never traps (forecast's SIGILL on 1e303)")
    func linearFit() {
        #expect(LinearFit(x: [1e9, 2e9, 4e9], y: [1e303, 2e303, 1e303]) == nil)
        #expect(LinearFit(x: [1, 2, .nan], y: [1, 2, 3]) == nil)
        let fit = LinearFit(x: [1, 2, 3], y: [1, 2, 3.5])!
        #expect(fit.predictionInterval(at: 1e308) == nil)
    }

    @Test("a forecast that overflowed in memory renders without trapping or printing inf")
    func forecastOnHugeValues() throws {
        var records: [RunRecord] = []
        for (index, size) in [1 << 30, 2 << 30, 4 << 30].enumerated() {
            for round in 1...3 {
                records.append(SweepFixtures.record("single", pin: index == 1 ? 1e303 : 0.1 * Double(round), size: size, round: round))
            }
        }
        let forecast = try Forecast(records: records, size: ByteSize(8 << 30))
        let report = ForecastReport(source: "set", machine: nil, forecast: forecast, validation: nil)
        for format in OutputFormat.allCases { #expect(Self.printsNothingImpossible(report.render(format)), "\(format)") }
    }

    @Test("a fit that predicts a negative time is refused, and every interval holds the time it reports")
    func negativePrediction() throws {
        var records: [RunRecord] = []
        // 10 ms at 1 GiB, 500 ms at 2 GiB, 1.5 s at 4 GiB: the line crosses 0 above 256 MiB.
        for (size, pin) in [(1 << 30, 0.01), (2 << 30, 0.5), (4 << 30, 1.5)] {
            for round in 1...3 {
                records.append(SweepFixtures.record("single", pin: pin * (1 + 0.01 * Double(round)), unpin: pin / 10,
                                                    size: size, round: round))
            }
        }
        let forecast = try Forecast(records: records, size: ByteSize(256 << 20))
        #expect(!forecast.predictions.isEmpty)
        for row in forecast.predictions {
            if let seconds = row.seconds {
                #expect(seconds > 0)
                if let low = row.low, let high = row.high { #expect(low <= seconds && seconds <= high) }
            } else {
                #expect(row.low == nil && row.high == nil)
                #expect(row.notes.contains { $0.contains("no prediction") })
            }
        }
        for fit in forecast.fits {
            #expect(fit.predictedSeconds >= 0)
            if let low = fit.low, let high = fit.high { #expect(low <= fit.predictedSeconds && fit.predictedSeconds <= high) }
        }
        let report = ForecastReport(source: "set", machine: nil, forecast: forecast, validation: nil)
        for format in [OutputFormat.markdown, .text] {
            let text = report.render(format)
            #expect(text.range(of: #"-\d[\d.]* (s|ms|µs|ns)\b"#, options: .regularExpression) == nil, "\(text)")
        }
    }

    @Test("report --compare of an overflowing ratio (1e303 s over 1e-10 s) prints no infx")
    func comparisonRatio() {
        let base = SweepSummary(records: SweepFixtures.cell("single", pins: Array(repeating: 1e-10, count: 6)))
        let new = SweepSummary(records: SweepFixtures.cell("single", pins: Array(repeating: 1e303, count: 6)))
        let comparison = ResultComparison(base: base, new: new)
        for format in OutputFormat.allCases {
            let text = comparison.render(format, baseName: "a", newName: "b")
            #expect(Self.printsNothingImpossible(text), "\(format): \(text)")
        }
    }
}
