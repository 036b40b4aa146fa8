/// A report as a list of blocks (headings, lines of prose, list items, tables), built once and
/// rendered as Markdown, 72-column plain text or CSV, so every `--format` says the same thing.
///
/// Prose is written in Markdown (`code`, **bold**, a trailing two-space line break); the text
/// rendering drops that markup, wraps prose at the width and draws tables with `TextTable.text`.
struct ReportDocument: Sendable, Equatable {
    enum Block: Sendable, Equatable {
        /// `#` per level in Markdown; in text the title over a line of `=` (level 1) or `-`.
        case heading(String, level: Int)
        /// A line of prose; in text wrapped, later lines indented two spaces.
        case line(String)
        /// A list item, `- ` and the text; in text wrapped under its first word.
        case item(String)
        /// A line indented two spaces (an item's second paragraph).
        case indented(String)
        case table(TextTable)
        case blank
    }

    var blocks: [Block] = []

    init(_ blocks: [Block] = []) { self.blocks = blocks }

    static func + (lhs: ReportDocument, rhs: ReportDocument) -> ReportDocument { ReportDocument(lhs.blocks + rhs.blocks) }

    static func += (lhs: inout ReportDocument, rhs: ReportDocument) { lhs.blocks += rhs.blocks }

    static func += (lhs: inout ReportDocument, rhs: [Block]) { lhs.blocks += rhs }

    var isEmpty: Bool { blocks.isEmpty }

    /// The tables, in order.
    var tables: [TextTable] {
        blocks.compactMap { block in
            if case .table(let table) = block { return table }
            return nil
        }
    }

    // MARK: - Rendering

    /// Lines joined by newlines, with no newline after the last.
    func markdown() -> String {
        blocks.flatMap { block -> [String] in
            switch block {
            case .heading(let title, let level): [String(repeating: "#", count: level) + " " + title]
            case .line(let text): [text]
            case .item(let text): ["- " + text]
            case .indented(let text): ["  " + text]
            case .table(let table): [String(table.markdown().dropLast())]
            case .blank: [""]
            }
        }.joined(separator: "\n")
    }

    /// Plain text of at most `width` columns but where one word or table cell is longer than a
    /// line can be (a long path, a failure message without spaces): that is never broken. Runs
    /// of blank lines are one.
    func text(width: Int = TextTable.mailWidth) -> String {
        var lines: [String] = []
        for block in blocks {
            switch block {
            case .heading(let title, let level):
                let plain = Self.plain(title)
                lines += [plain, String(repeating: level == 1 ? "=" : "-", count: plain.count)]
            case .line(let text): lines += Self.wrap(Self.plain(text), width: width, first: "", rest: "  ")
            // Deeper than the item's own wrapped lines, so the two read apart.
            case .indented(let text): lines += Self.wrap(Self.plain(text), width: width, first: "    ", rest: "    ")
            case .item(let text): lines += Self.wrap(Self.plain(text), width: width, first: "- ", rest: "  ")
            case .table(let table): lines.append(String(table.mapCells(Self.plain).text(width: width).dropLast()))
            case .blank: if lines.last != "" || lines.isEmpty { lines.append("") }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The tables alone, each its header line and rows, a blank line between; prose has no
    /// place in CSV.
    func csv() -> String {
        tables.map { $0.mapCells(Self.plain).csv() }.joined(separator: "\n")
    }

    // MARK: - Plain prose

    /// `text` without Markdown's inline markup: bold, code quotes, a trailing line break.
    static func plain(_ text: String) -> String {
        var plain = text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
        while plain.hasSuffix(" ") { plain.removeLast() }
        return plain
    }

    /// Units that stay on the line of the number before them.
    static let units: Set<Substring> = ["ns", "µs", "ms", "s", "GiB/s"]

    /// `text` in lines of at most `width` columns, broken at spaces (never between a number and
    /// its unit): the first line after `first`, the others after `rest`. A word longer than a
    /// line gets a line of its own.
    static func wrap(_ text: String, width: Int, first: String, rest: String) -> [String] {
        var words: [String] = []
        for word in text.split(separator: " ") {
            var bare = word
            while let end = bare.last, ",;:.)".contains(end) { bare = bare.dropLast() }
            // `ms–1.279 s` is a unit too: the low end's, of an interval across units.
            if units.contains(bare) || units.contains(bare.prefix { $0 != "–" }), let last = words.last,
               last.last?.isNumber == true {
                words[words.count - 1] = last + " " + word
            } else {
                words.append(String(word))
            }
        }
        var lines: [String] = []
        var current = first
        var empty = true
        for word in words {
            if !empty, current.count + 1 + word.count > width {
                lines.append(current)
                current = rest
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        lines.append(empty ? String(current.reversed().drop { $0 == " " }.reversed()) : current)
        return lines
    }
}
