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
        case .json: return OutputFormat.json(self)
        case .csv:
            let tables = [forecast?.table(numeric: true), forecast?.fitsTable(numeric: true), validation?.table(numeric: true)]
            return tables.compactMap { $0?.csv() }.joined(separator: "\n")
        case .text, .markdown: return format.render(document()) + "\n"
        }
    }

    // MARK: - Text and Markdown

    /// The forecast and the validation as headed sections of prose, tables and notes; drawn
    /// in text or Markdown by `ReportDocument`, as every other report is.
    func document() -> ReportDocument {
        var document = ReportDocument()
        let origin = "From \(source)" + (machine.map { ", measured on \($0)." } ?? ".")
        if let forecast {
            let sizes = forecast.sizesMeasured.map { "\(ByteSize($0))" }.joined(separator: ", ")
            let threads = forecast.threadCounts.map(String.init).joined(separator: ", ")
            document += [.heading("Forecast: \(forecast.size) at \(forecast.threads) threads", level: 2), .blank,
                         .line(origin), .blank,
                         .line("Per cell and phase, t = fixed + size / rate is fitted by least squares over the verified "
                            + "measured runs at \(sizes). The speedup at \(forecast.size) over threads \(threads) is fitted with "
                            + "the Universal Scalability Law S(N) = N / (1 + σ(N−1) + κN(N−1)), over each strategy's own "
                            + "1-thread cell (single's where it has none). A measured thread count is predicted by its own "
                            + "fit, any other by the 1-thread fit over the modelled speedup. Intervals are 95% prediction "
                            + "intervals of one run."), .blank,
                         .table(forecast.table())]
            let notes = forecast.notes
            if !notes.isEmpty {
                document += [.blank, .line("Notes:")]
                document += notes.enumerated().map { index, note in .line("\(index + 1). \(note)") }
            }
            document += [.blank, .heading("Size fits: t = fixed + size / rate", level: 2), .blank,
                         .line("GiB/s is the per-byte cost as a rate (1 / perByte); \"at \(forecast.size)\" is the line at "
                            + "the target size with the 95% prediction interval of one run there."), .blank,
                         .table(forecast.fitsTable())]
        }
        if let validation {
            let sizes = validation.fittedSizes.map { "\(ByteSize($0))" }.joined(separator: ", ")
            let threads = validation.fittedThreads.map(String.init).joined(separator: ", ")
            let leftOut = "\(ByteSize(validation.leftOutSize))" + (validation.leftOutThreads.map { " and \($0) threads" } ?? "")
            if !document.isEmpty { document += [.blank] }
            document += [.heading("Validation: \(leftOut) left out", level: 2), .blank]
            if forecast == nil { document += [.line(origin), .blank] }
            document += [.line("Every cell at \(ByteSize(validation.leftOutSize))"
                            + (validation.leftOutThreads.map { " or at \($0) threads" } ?? "")
                            + " is left out, the fits are made again on sizes \(sizes) and threads \(threads), and each "
                            + "left-out cell is predicted and set against its measured median (error: predicted / measured − 1)."
                            + (validation.leftOutThreads == nil ? " With fewer than 3 thread counts only the size is left out." : "")),
                         .blank, .table(validation.table()), .blank, .line(validation.summaryLine)]
        }
        return document
    }
}
