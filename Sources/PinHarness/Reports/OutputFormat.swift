import Foundation

/// How `run`, `report` and `forecast` print their tables (`--format`).
public enum OutputFormat: String, Sendable, CaseIterable, Codable {
    /// Fixed-width plain text of at most 72 columns, for plain-text mail.
    case text
    /// Pipe tables (the default, and what `summary.md` holds).
    case markdown
    /// Comma-separated values, a header line per table.
    case csv
    /// One JSON document, for scripts.
    case json

    /// Renders `table` in this format (`json` has no table form; each report encodes its own).
    public func render(_ table: TextTable) -> String {
        switch self {
        case .text: table.text()
        case .markdown, .json: table.markdown()
        case .csv: table.csv()
        }
    }

    /// Renders `document` as Markdown, text or CSV (each report encodes its own JSON).
    func render(_ document: ReportDocument) -> String {
        switch self {
        case .text: document.text()
        case .markdown, .json: document.markdown()
        case .csv: document.csv()
        }
    }

    /// `value` as one pretty-printed JSON document with sorted keys (so the same figures always
    /// print the same bytes), slashes unescaped, ending in a newline. Absent values are left out.
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A ratio over a zero time is infinite; JSON has no number for it.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
