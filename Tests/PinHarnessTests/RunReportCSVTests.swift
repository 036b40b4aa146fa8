@testable import PinHarness
import Testing

/// `--format csv` is for spreadsheets: a numeric column holds a plain number (or nothing), its
/// unit in its name, never "301 ms" or "1.00x" (issue 24).
@Suite("CSV columns hold plain numbers")
struct RunReportCSVTests {
    /// Columns that hold words, lists or flags rather than numbers.
    static let textColumns: Set<String> = [
        "strategy", "phase", "oversubscribed", "bound_nodes", "ran_on_nodes", "intended_nodes", "backend", "memory",
        "verdict", "flags", "method", "notes", "sizes_bytes", "rank_method", "rank_verdict", "base_kernel", "new_kernel", "target",
    ]

    /// Every cell of every numeric column of every table of `csv` that is not a plain number.
    static func unitsInNumbers(_ csv: String) -> [String] {
        var found: [String] = []
        for table in csv.components(separatedBy: "\n\n") {
            let lines = table.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            guard let header = lines.first else { continue }
            for row in lines.dropFirst() {
                for (title, cell) in zip(header, row) where !textColumns.contains(title) && !cell.isEmpty && Double(cell) == nil {
                    found.append("\(title)=\(cell)")
                }
            }
        }
        return found
    }

    @Test("run's CSV (summary, NUMA, backend metrics, in-kernel times): numbers only, units in the headers")
    func runCSV() {
        for (title, records) in [(GoldenFixtures.runTitle, GoldenFixtures.runRecords), (GoldenFixtures.kmodTitle, GoldenFixtures.kmodRecords)] {
            let csv = RunReport(title: title, machineLine: GoldenFixtures.machineLine, records: records).render(.csv)
            #expect(Self.unitsInNumbers(csv).isEmpty, "\(Self.unitsInNumbers(csv))")
            #expect(csv.hasPrefix("strategy,workers,oversubscribed,chunks,cuts_in_folio,runs,verified,pin_median_s,"))
        }
    }

    @Test("report's CSV and report --compare's: numbers only")
    func reportCSV() {
        let summary = SweepSummary(records: GoldenFixtures.sweepRecords)
        #expect(Self.unitsInNumbers(summary.csv()).isEmpty)
        let comparison = ResultComparison(base: summary, new: summary).render(.csv, baseName: "a", newName: "b")
        #expect(Self.unitsInNumbers(comparison).isEmpty)
    }
}
