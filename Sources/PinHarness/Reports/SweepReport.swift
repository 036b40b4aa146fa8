import PinContract

/// A result set's summary as `summary.md` and `summary.txt` hold it and `report` prints it: a
/// header saying what was swept, on what machine and how completely, then the tables of
/// `SweepSummary`.
public struct SweepReport: Sendable {
    /// The set's folder and name.
    public var directory: String
    public var name: String
    public var specification: SweepSpecification?
    public var machineLine: String?
    /// Repetitions read (duplicates left out) and how many of them were warm-ups.
    public var recordCount: Int
    public var warmupCount: Int
    /// Where memory and threads were asked to go (`ResultSet.placementLine`).
    public var placementLine: String?
    /// What `--host-warm` did (`ResultSet.hostWarmLine`).
    public var hostWarmLine: String? = nil
    public var duplicates: Int
    public var missingRepetitions: Int?
    public var summary: SweepSummary

    func document() -> ReportDocument {
        var header = ReportDocument([.heading("PinBench sweep \(name)", level: 1), .blank])
        // The two trailing blanks are Markdown's line break: one fact per line, in one paragraph.
        if let specification { header += [.line("Command: `\(specification.commandLine)`  ")] }
        if let specification, let line = Self.optionsLine(specification) { header += [.line(line)] }
        if let machineLine { header += [.line("Machine: \(machineLine)  ")] }
        if let specification, let adaptive = specification.adaptive {
            header += [.line("Rounds: --reps auto: \(specification.repetitions) measured + \(specification.warmups) warm-up per cell, "
                + "then one round at a time, in the same shuffled order, for the cells whose 95% CI of the median (pin or unpin) "
                + "was wider than \(adaptive.targetText) of it, up to \(adaptive.maxRepetitions) measured; the rounds column says "
                + "how many each took and whether it met the target. Cells shuffled per round (seed \(specification.seed)); "
                + "\(recordCount) repetitions recorded (\(warmupCount) warm-up). Times are medians of verified measured runs; "
                + "the 95% CI is the order-statistic interval of the median.  ")]
        } else if let specification {
            header += [.line("Rounds: \(specification.repetitions) measured + \(specification.warmups) warm-up per cell, "
                + "cells shuffled per round (seed \(specification.seed)); \(recordCount) repetitions recorded "
                + "(\(warmupCount) warm-up). Times are medians of verified measured runs; the 95% CI is the "
                + "order-statistic interval of the median.  ")]
        } else {
            header += [.line("\(recordCount) repetitions recorded (\(warmupCount) warm-up).  ")]
        }
        if let placementLine { header += [.line(placementLine)] }
        if let hostWarmLine { header += [.line(hostWarmLine)] }
        if duplicates > 0 {
            header += [.line("**Duplicates**: \(duplicates) records repeated a (cell, round) already recorded "
                + "(two sweeps wrote this set at once); each is counted once.  ")]
        }
        if let missingRepetitions, missingRepetitions > 0 {
            header += [.line("**Incomplete**: \(missingRepetitions) repetitions missing; finish with "
                + "`pinbench sweep --resume \(directory)`.")]
        }
        return header + ReportDocument([.blank]) + summary.document()
    }

    /// The options of the sweep's backends, as each records them (`vfio (iommufd-file:...)`), so
    /// a table says which mapper and call its rows went through; nil when none records any.
    public static func options(of specification: SweepSpecification) -> String? {
        let given = specification.backendOptions.all.filter { specification.backends.contains($0.backend) && $0.recorded != nil }
        return given.isEmpty ? nil : given.map(\.titled).joined(separator: "; ")
    }

    /// The header's `Options:` line (`options(of:)`).
    static func optionsLine(_ specification: SweepSpecification) -> String? {
        options(of: specification).map { "Options: \($0)  " }
    }

    /// `summary.md` (Markdown), `summary.txt` (text), `summary.csv` (CSV: long form, one row
    /// per cell and phase), or one JSON document of the cells with their medians and intervals.
    /// All but the Markdown (kept as it always was) end in a newline.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .markdown: return format.render(document())
        case .text:
            let text = format.render(document())
            return text.hasSuffix("\n") ? text : text + "\n"
        case .csv: return summary.csv()
        case .json: return OutputFormat.json(json())
        }
    }

    // MARK: - JSON

    struct Document: Encodable {
        var set: String
        var command: String?
        var machine: String?
        /// Repetitions read, warm-ups included, and how many were warm-ups.
        var repetitionsRecorded: Int
        var warmupsRecorded: Int
        /// Records left out as repeats of one already read.
        var duplicates: Int
        var missingRepetitions: Int?
        /// `--reps auto`'s target and cap, when the sweep had it.
        var adaptive: AdaptiveRounds?
        var cells: [SweepSummary.CellJSON]
        var skipped: [SkippedCell]
    }

    func json() -> Document {
        Document(set: name, command: specification?.commandLine, machine: machineLine, repetitionsRecorded: recordCount,
                 warmupsRecorded: warmupCount, duplicates: duplicates, missingRepetitions: missingRepetitions,
                 adaptive: specification?.adaptive, cells: summary.cellsJSON(), skipped: summary.skipped)
    }
}
