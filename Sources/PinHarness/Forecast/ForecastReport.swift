import Foundation
import PinCore

/// What `pinbench forecast` prints: the forecast at the asked size, the validation, or both,
/// in every `--format` (text within 72 columns, Markdown, CSV, one JSON document).
public struct ForecastReport: Sendable, Codable {
    /// The result set's folder.
    public var source: String
    /// The machine it was measured on, in one line, when the set says.
    public var machine: String?
    public var forecast: Forecast?
    public var validation: ForecastValidation?

    public init(source: String, machine: String?, forecast: Forecast?, validation: ForecastValidation?) {
        self.source = source
        self.machine = machine
        self.forecast = forecast
        self.validation = validation
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return json()
        case .csv:
            let tables = [forecast?.table(numeric: true), forecast?.fitsTable(numeric: true), validation?.table(numeric: true)]
            return tables.compactMap { $0?.csv() }.joined(separator: "\n")
        case .text, .markdown: return document(markdown: format == .markdown)
        }
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // A fit has no infinities, but a damaged record must not turn into an encoding failure.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: - Text and Markdown

    func document(markdown: Bool) -> String {
        var sections: [[String]] = []
        func heading(_ title: String) -> String { markdown ? "## \(title)" : title }
        func prose(_ text: String) -> [String] { markdown ? [text] : Self.wrap(text, width: TextTable.mailWidth) }
        func table(_ table: TextTable) -> [String] {
            let text = markdown ? table.markdown() : table.text()
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        let origin = "From \(source)" + (machine.map { ", measured on \($0)." } ?? ".")
        if let forecast {
            let sizes = forecast.sizesMeasured.map { "\(ByteSize($0))" }.joined(separator: ", ")
            let threads = forecast.threadCounts.map(String.init).joined(separator: ", ")
            var lines = [heading("Forecast: \(forecast.size) at \(forecast.threads) threads"), ""]
            lines += prose(origin) + [""]
            lines += prose("Per cell and phase, t = fixed + size / rate is fitted by least squares over the verified "
                + "measured runs at \(sizes). The speedup at \(forecast.size) over threads \(threads) is fitted with "
                + "the Universal Scalability Law S(N) = N / (1 + σ(N−1) + κN(N−1)), over each strategy's own "
                + "1-thread cell (single's where it has none). A measured thread count is predicted by its own "
                + "fit, any other by the 1-thread fit over the modelled speedup. Intervals are 95% prediction "
                + "intervals of one run.") + [""]
            lines += table(forecast.table())
            let notes = forecast.notes
            if !notes.isEmpty {
                lines += ["", "Notes:"]
                for (index, note) in notes.enumerated() {
                    lines += markdown ? ["\(index + 1). \(note)"] : Self.wrap("\(index + 1). \(note)", width: TextTable.mailWidth, indent: 3)
                }
            }
            sections.append(lines)
            var fits = [heading("Size fits: t = fixed + size / rate"), ""]
            fits += prose("GiB/s is the per-byte cost as a rate (1 / perByte); \"at \(forecast.size)\" is the line at "
                + "the target size with the 95% prediction interval of one run there.") + [""]
            fits += table(forecast.fitsTable())
            sections.append(fits)
        }
        if let validation {
            let sizes = validation.fittedSizes.map { "\(ByteSize($0))" }.joined(separator: ", ")
            let threads = validation.fittedThreads.map(String.init).joined(separator: ", ")
            let leftOut = "\(ByteSize(validation.leftOutSize))" + (validation.leftOutThreads.map { " and \($0) threads" } ?? "")
            var lines = [heading("Validation: \(leftOut) left out"), ""]
            if forecast == nil { lines += prose(origin) + [""] }
            lines += prose("Every cell at \(ByteSize(validation.leftOutSize))"
                + (validation.leftOutThreads.map { " or at \($0) threads" } ?? "")
                + " is left out, the fits are made again on sizes \(sizes) and threads \(threads), and each "
                + "left-out cell is predicted and set against its measured median (error: predicted / measured − 1)."
                + (validation.leftOutThreads == nil ? " With fewer than 3 thread counts only the size is left out." : ""))
                + [""]
            lines += table(validation.table())
            lines += [""] + prose(validation.summaryLine)
            sections.append(lines)
        }
        return sections.map { $0.joined(separator: "\n") + "\n" }.joined(separator: "\n")
    }

    /// Words in lines of at most `width` columns, continuation lines indented by `indent`.
    static func wrap(_ text: String, width: Int, indent: Int = 0) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(repeating: " ", count: indent) + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
