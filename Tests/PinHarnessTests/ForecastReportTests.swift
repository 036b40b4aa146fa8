import Foundation
@testable import PinHarness
import PinCore
import Testing

@Suite("ForecastReport: the forecast and its validation as text, Markdown, CSV and JSON")
struct ForecastReportTests {
    static func report() throws -> ForecastReport {
        var fixtures = ForecastFixtures()
        let records = fixtures.sweep(sizes: [1, 2, 4, 8].map { $0 * ForecastFixtures.gib }, threads: [1, 2, 4, 8])
        return ForecastReport(source: "results/box-2026-12-01", machine: nil,
                              forecast: try Forecast(records: records, size: .tib(1), threads: 16),
                              validation: try ForecastValidation(records: records))
    }

    @Test("text: every line within 72 columns, the key columns repeated in each part, notes as footnotes")
    func text() throws {
        let text = try Self.report().render(.text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 72 }, "\(lines.filter { $0.count > 72 })")
        #expect(text.hasPrefix("Forecast: 1T at 16 threads\n"))
        #expect(lines.filter { $0.hasPrefix("populate/thp/kernel/16  pin") }.count >= 2, "split into parts")
        #expect(text.contains("1. 128.0x past the largest size measured (8G)"), "\(text)")
        #expect(text.contains("16 threads: 2.0x past the largest thread count measured (8)"))
        #expect(text.contains("Validation: 8G and 8 threads left out"))
        #expect(!text.contains(" | ") && !text.contains("##"), "no pipe tables, no Markdown headings")
    }

    @Test("Markdown: headed sections with pipe tables")
    func markdown() throws {
        let markdown = try Self.report().render(.markdown)
        #expect(markdown.hasPrefix("## Forecast: 1T at 16 threads\n"))
        #expect(markdown.contains("| cell | phase | time | 95% interval | GiB/s | speedup | R² | σ | κ | notes |"))
        #expect(markdown.contains("## Size fits: t = fixed + size / rate"))
        #expect(markdown.contains("| populate/thp/8G/kernel/8 | pin | USL |"), "\(markdown)")
    }

    @Test("CSV: three tables, each with its header, seconds unformatted")
    func csv() throws {
        let csv = try Self.report().render(.csv)
        let tables = csv.components(separatedBy: "\n\n")
        #expect(tables.count == 3)
        #expect(tables[0].hasPrefix("backend,memory,strategy,threads,phase,method,seconds,"))
        #expect(tables[1].hasPrefix("backend,memory,strategy,threads,phase,runs,sizes_bytes,fixed_s,"))
        #expect(tables[2].hasPrefix("backend,memory,size_bytes,strategy,threads,phase,method,predicted_s,"))
        let single = try #require(tables[0].split(separator: "\n").first { $0.hasPrefix("populate,thp,single,1,pin,size-fit,") })
        let seconds = try #require(Double(single.split(separator: ",")[6]))
        #expect(abs(seconds / ForecastFixtures.pinSeconds(1 << 40) - 1) < 0.01)
    }

    @Test("JSON: one document that decodes back to the same predictions")
    func json() throws {
        let report = try Self.report()
        let text = report.render(.json)
        let decoded = try JSONDecoder().decode(ForecastReport.self, from: Data(text.utf8))
        let forecast = try #require(decoded.forecast)
        #expect(forecast.sizeBytes == 1 << 40 && forecast.threads == 16)
        #expect(forecast.predictions.map(\.seconds) == report.forecast!.predictions.map(\.seconds))
        #expect(decoded.validation?.rows.count == report.validation!.rows.count)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["source"] as? String == "results/box-2026-12-01")
        let fits = try #require((object["forecast"] as? [String: Any])?["fits"] as? [[String: Any]])
        let rate = try #require(fits.first?["gibPerSecond"] as? Double, "the per-byte cost is in the document, not only the slope")
        #expect(abs(rate - 8) < 0.1 && fits.first?["fixedSeconds"] is Double)
    }

    @Test("σ and κ print with four decimals, small ones in exponent form")
    func coefficients() {
        #expect(Forecast.coefficient(0.05) == "0.0500" && Forecast.coefficient(0.002) == "0.0020")
        #expect(Forecast.coefficient(0.000163) == "1.6e-4" && Forecast.coefficient(0.0000999) == "1.0e-4")
        #expect(Forecast.coefficient(0) == "0")
    }

    @Test("prose wraps at the width, continuation lines indented (ReportDocument's wrapping, as every report)")
    func wrap() {
        let lines = ReportDocument.wrap("aaa bbb ccc ddd", width: 8, first: "", rest: "  ")
        #expect(lines == ["aaa bbb", "  ccc", "  ddd"])
    }
}
