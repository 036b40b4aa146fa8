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
}
