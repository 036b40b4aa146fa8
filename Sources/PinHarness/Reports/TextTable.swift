import Foundation

/// A table of cells in titled columns, drawn as Markdown, as fixed-width plain text or as CSV:
/// one model, so every report reads the same in each `--format`.
///
/// Plain text is for the mail a cover letter is: at most `width` columns (72 by default), no
/// pipes, numbers right-aligned with their units. A table wider than that is split into parts
/// that each repeat the key columns (the ones that say what a row is), never wrapped.
public struct TextTable: Sendable, Equatable {
    public enum Alignment: Sendable, Equatable {
        case left
        case right
    }

    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment
        /// Adjacent columns of one group (a strategy's median, CI and speedup) stay in one part
        /// of a split text table when they fit in one.
        public var group: String?

        public init(_ title: String, _ alignment: Alignment = .right, group: String? = nil) {
            self.title = title
            self.alignment = alignment
            self.group = group
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// The leading columns every part of a split text table repeats.
    public var keyColumns: Int

    public init(columns: [Column], rows: [[String]] = [], keyColumns: Int = 1) {
        self.columns = columns
        self.rows = rows
        self.keyColumns = min(max(keyColumns, 0), columns.count)
    }

    /// Adds a row; missing cells are empty, extra ones are dropped.
    public mutating func append(_ cells: [String]) {
        var row = Array(cells.prefix(columns.count))
        row += Array(repeating: "", count: columns.count - row.count)
        rows.append(row)
    }

    /// The widest a line of `text` may be by default: a mail line.
    public static let mailWidth = 72

    // MARK: - Markdown

    /// A pipe table, one line per row, ending in a newline.
    public func markdown() -> String {
        var lines = ["| " + columns.map(\.title).joined(separator: " | ") + " |",
                     "| " + columns.map { _ in "---" }.joined(separator: " | ") + " |"]
        lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Plain text

    /// Fixed-width columns two spaces apart under a dashed rule, no trailing blanks; split into
    /// parts of at most `width` columns (each repeating the key columns), the parts a blank line
    /// apart. Only a single cell wider than `width` less the key columns makes a longer line.
    public func text(width: Int = mailWidth) -> String {
        parts(width: width).map { render(columns: $0) }.joined(separator: "\n")
    }

    static let gap = 2

    /// The display width of each column: its widest cell or title.
    func widths() -> [Int] {
        columns.indices.map { index in
            rows.reduce(columns[index].title.count) { max($0, $1[index].count) }
        }
    }

    /// The column indices of each part: the key columns, then the others in order. As few parts
    /// as fit in `width`, as even as they can be (the narrowest width needing no more parts), and
    /// a group is only broken when it alone is wider than a part.
    func parts(width: Int) -> [[Int]] {
        let widths = widths()
        let keys = Array(0..<keyColumns)
        func span(_ indices: [Int]) -> Int {
            indices.isEmpty ? 0 : indices.reduce(0) { $0 + widths[$1] } + (indices.count - 1) * Self.gap
        }
        let keyWidth = span(keys)
        var units: [[Int]] = []
        for index in keyColumns..<columns.count {
            if let group = columns[index].group, let last = units.last?.last, columns[last].group == group {
                units[units.count - 1].append(index)
            } else {
                units.append([index])
            }
        }
        units = units.flatMap { unit in
            unit.count > 1 && span(keys + unit) > width ? unit.map { [$0] } : [unit]
        }
        func pack(_ limit: Int) -> [[Int]] {
            var parts: [[Int]] = []
            var current = keys
            for unit in units {
                if current.count > keys.count, span(current + unit) > limit {
                    parts.append(current)
                    current = keys
                }
                current += unit
            }
            if current.count > keys.count || parts.isEmpty { parts.append(current) }
            return parts
        }
        var best = pack(width)
        guard best.count > 1 else { return best }
        var limit = width - 1
        while limit > keyWidth {
            let tighter = pack(limit)
            guard tighter.count == best.count else { break }
            best = tighter
            limit -= 1
        }
        return best
    }

    func render(columns indices: [Int]) -> String {
        let widths = widths()
        func line(_ cells: [String]) -> String {
            var text = ""
            for (position, index) in indices.enumerated() {
                let cell = cells[index]
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                if position > 0 { text += String(repeating: " ", count: Self.gap) }
                text += columns[index].alignment == .right ? pad + cell : cell + pad
            }
            return String(text.reversed().drop { $0 == " " }.reversed())
        }
        let rule = widths.map { String(repeating: "-", count: $0) }
        return ([line(columns.map(\.title)), line(rule)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// The same table with `transform` applied to every title and cell.
    func mapCells(_ transform: (String) -> String) -> TextTable {
        var table = self
        for index in table.columns.indices { table.columns[index].title = transform(table.columns[index].title) }
        table.rows = rows.map { $0.map(transform) }
        return table
    }

    // MARK: - CSV

    /// RFC 4180: a header line, then a line per row; cells with a comma, quote or line break
    /// are quoted.
    public func csv() -> String {
        func field(_ cell: String) -> String {
            guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
            return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return ([columns.map(\.title)] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
