import Testing

@testable import PinHarness

@Suite("TextTable: one table as Markdown, 72-column text and CSV")
struct TextTableTests {
    static func sample(columns: Int = 3) -> TextTable {
        var table = TextTable(columns: [TextTable.Column("strategy", .left)] + (1..<columns).map { TextTable.Column("col \($0)") })
        table.append(["single"] + (1..<columns).map { "\($0 * 100) ms" })
        table.append(["kernel"] + (1..<columns).map { "\($0) ms" })
        return table
    }

    @Test("Markdown is a pipe table with a rule line")
    func markdown() {
        #expect(Self.sample().markdown() == """
            | strategy | col 1 | col 2 |
            | --- | --- | --- |
            | single | 100 ms | 200 ms |
            | kernel | 1 ms | 2 ms |

            """)
    }

    @Test("text right-aligns numbers under a dashed rule, no pipes, no trailing blanks")
    func text() {
        #expect(Self.sample().text() == """
            strategy   col 1   col 2
            --------  ------  ------
            single    100 ms  200 ms
            kernel      1 ms    2 ms

            """)
    }

    @Test("a table wider than 72 columns splits into parts that repeat the key column, each within 72")
    func split() {
        let text = Self.sample(columns: 14).text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 72 }, "\(text)")
        #expect(lines.filter { $0.hasPrefix("strategy") }.count == 2, "\(text)")
        #expect(lines.filter { $0.hasPrefix("kernel") }.count == 2)
        // Every column is in exactly one part.
        for index in 1..<14 { #expect(lines.filter { $0.contains("col \(index) ") || $0.hasSuffix("col \(index)") }.count == 1, "col \(index): \(text)") }
    }

    @Test("CSV quotes cells with commas and quotes")
    func csv() {
        var table = TextTable(columns: [.init("a"), .init("b")])
        table.append(["1,5", "say \"hi\""])
        table.append(["x"])
        #expect(table.csv() == "a,b\n\"1,5\",\"say \"\"hi\"\"\"\nx,\n")
    }

    @Test("a split keeps a column group in one part, and the parts are as even as they can be")
    func groupsAndEvenParts() {
        // threads, then two groups of four 12-wide columns: 7 + 4 x 14 = 63 fits one group a part.
        var grouped = TextTable(columns: [.init("threads")] + ["user", "kernel"].flatMap { name in
            (1...4).map { TextTable.Column("\(name) col \($0)".padding(toLength: 12, withPad: "-", startingAt: 0), group: name) }
        })
        grouped.append(["1"])
        #expect(grouped.parts(width: 72) == [[0, 1, 2, 3, 4], [0, 5, 6, 7, 8]])
        // Without groups the greedy fill would put five columns in the first part; even is four and four.
        var plain = grouped
        for index in plain.columns.indices { plain.columns[index].group = nil }
        #expect(plain.parts(width: 72) == [[0, 1, 2, 3, 4], [0, 5, 6, 7, 8]])
        #expect(plain.parts(width: 90).map(\.count) == [5, 5])
        // A group wider than a part alone is broken into its columns.
        #expect(grouped.parts(width: 40).allSatisfy { $0.count <= 3 })
    }

    @Test("one cell wider than a line keeps its line, alone beside the key columns")
    func unbreakableCell() {
        var table = TextTable(columns: [.init("strategy", .left), .init("failure", .left), .init("runs")])
        table.append(["user", String(repeating: "x", count: 80), "5/6"])
        let lines = table.text().split(separator: "\n")
        #expect(lines.filter { $0.count > 72 }.allSatisfy { $0.hasPrefix("user") || $0.hasPrefix("strategy") || $0.hasPrefix("--") })
        #expect(lines.contains { $0.hasPrefix("user") && $0.hasSuffix("5/6") })
    }
}
