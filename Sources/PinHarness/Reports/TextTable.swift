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

        public init(_ title: String, _ alignment: Alignment = .right) {
            self.title = title
            self.alignment = alignment
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

    /// Fixed-width columns two spaces apart under a dashed rule; split into parts of at most
    /// `width` columns (each repeating the key columns), the parts a blank line apart.
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

    /// The column indices of each part: the key columns, then as many others as fit.
    func parts(width: Int) -> [[Int]] {
        let widths = widths()
        let keys = Array(0..<keyColumns)
        let keyWidth = keys.reduce(0) { $0 + widths[$1] + Self.gap }
        var parts: [[Int]] = []
        var current = keys
        var used = keyWidth
        for index in keyColumns..<columns.count {
            let needed = widths[index] + (current.isEmpty ? 0 : Self.gap)
            if current.count > keys.count, used + needed > width + Self.gap {
                parts.append(current)
                current = keys
                used = keyWidth
            }
            current.append(index)
            used += widths[index] + Self.gap
        }
        if current.count > keys.count || parts.isEmpty { parts.append(current) }
        return parts
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
        var lines = [line(columns.map(\.title)),
                     line(indices.map { String(repeating: "-", count: widths[$0]) }.reorderedInto(indices, count: columns.count))]
        lines += rows.map(line)
        return lines.joined(separator: "\n") + "\n"
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

extension Array where Element == String {
    /// Cells given for `indices` only, spread into a full row of `count` cells.
    fileprivate func reorderedInto(_ indices: [Int], count: Int) -> [String] {
        var row = [String](repeating: "", count: count)
        for (cell, index) in zip(self, indices) { row[index] = cell }
        return row
    }
}
