@testable import PinHarness
import Testing

@Suite("ReportDocument: one report as Markdown, 72-column text and CSV")
struct ReportDocumentTests {
    static let document = ReportDocument([
        .heading("PinBench sweep x", level: 1), .blank,
        .line("Command: `pinbench sweep --reps 6`  "), .blank, .blank,
        .item("**FAILED** runs: " + Array(repeating: "kernel/4 (12%)", count: 6).joined(separator: ", ")),
        .indented("why"),
        .table(TextTable(columns: [.init("cell", .left), .init("mark", .left)], rows: [["user/2", "**faster**"]])),
    ])

    @Test("Markdown is the blocks as written, a line each")
    func markdown() {
        #expect(Self.document.markdown() == """
            # PinBench sweep x

            Command: `pinbench sweep --reps 6`  \n\n
            - **FAILED** runs: kernel/4 (12%), kernel/4 (12%), kernel/4 (12%), kernel/4 (12%), kernel/4 (12%), kernel/4 (12%)
              why
            | cell | mark |
            | --- | --- |
            | user/2 | **faster** |
            """)
    }

    @Test("text: headings underlined, markup dropped, prose wrapped at 72, blank runs one, tables plain")
    func text() {
        #expect(Self.document.text() == """
            PinBench sweep x
            ================

            Command: pinbench sweep --reps 6

            - FAILED runs: kernel/4 (12%), kernel/4 (12%), kernel/4 (12%), kernel/4
              (12%), kernel/4 (12%), kernel/4 (12%)
                why
            cell    mark
            ------  ------
            user/2  faster
            """)
    }

    @Test("wrapping never parts a number from its unit, and leaves a word longer than a line whole")
    func wrap() {
        let lines = ReportDocument.wrap("Pin, single (1 thread): 41.2 ms median, 95% CI 40.9–41.5 ms, 24.30 GiB/s, 6/6 verified",
                                        width: 68, first: "", rest: "  ")
        #expect(lines == ["Pin, single (1 thread): 41.2 ms median, 95% CI 40.9–41.5 ms,", "  24.30 GiB/s, 6/6 verified"])
        let long = String(repeating: "y", count: 80)
        #expect(ReportDocument.wrap("a \(long) b", width: 72, first: "- ", rest: "  ") == ["- a", "  \(long)", "  b"])
    }

    @Test("CSV is the tables alone, without markup")
    func csv() {
        #expect(Self.document.csv() == "cell,mark\nuser/2,faster\n")
    }
}
