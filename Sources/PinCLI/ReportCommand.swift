import ArgumentParser
import PinHarness

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Re-render a result set's summary, tables, plots and README from its runs.jsonl, or compare two sets.",
        discussion: """
            pinbench report DIR rewrites DIR/summary.md, summary.txt, summary.csv, plots/ and README.md and prints the \
            summary in --format (summary.md's Markdown by default; text is summary.txt, csv summary.csv). \
            pinbench report --compare BASE NEW prints each set's kernel and, per cell both sets have (cells match \
            whatever the kernels), the ratio of the new median to the base median for pin and unpin, marking changes \
            larger than both sets' 95% confidence intervals, and the rank test: the Hodges-Lehmann shift new - base \
            with its 95% confidence interval, "no change" where it holds 0. \
            \(ExitStatus.seeList) (2 also for a folder that is no result set, or one that is damaged or not writable).
            """
    )

    @Flag(help: "Compare two result sets: BASE then NEW.")
    var compare = false

    @Option(help: "With --compare: also write the comparison to this file (in --format).")
    var output: String?

    @Option(help: formatHelp, transform: parseFormat)
    var format: OutputFormat = .markdown

    @Argument(help: "A result set folder (two with --compare: BASE NEW).")
    var directories: [String] = []

    func validate() throws {
        if compare && directories.count != 2 {
            throw ValidationError("--compare needs two result sets, BASE and NEW (got \(directories.count))")
        }
        if !compare && directories.count != 1 {
            throw ValidationError("give one result set folder to re-render, or --compare BASE NEW")
        }
        if output != nil && !compare { throw ValidationError("--output is for --compare; report DIR writes into DIR") }
    }

    func run() throws {
        do throws(HarnessError) {
            if compare {
                let base = try ResultSet.open(directories[0])
                let new = try ResultSet.open(directories[1])
                let (baseRecords, baseDuplicates) = try base.readUniqueRecords()
                let (newRecords, newDuplicates) = try new.readUniqueRecords()
                for (set, duplicates) in [(base, baseDuplicates), (new, newDuplicates)] where duplicates > 0 {
                    printError("pinbench: warning: \(set.directory): dropped \(duplicates) duplicated records (same cell, round and warm-up); each is counted once")
                }
                // Sets of different kernels are what a comparison is for: each side's is named, never refused.
                let comparison = ResultComparison(base: SweepSummary(records: baseRecords), new: SweepSummary(records: newRecords),
                                                  baseMachine: base.machine(), newMachine: new.machine())
                let text = comparison.render(format, baseName: Self.describe(base), newName: Self.describe(new))
                print(text, terminator: "")
                if let output { try ResultSet.writeFile(text, to: output) }
                return
            }
            let set = try ResultSet.open(directories[0])
            let machine = set.machineLine()
            if let warning = machine.warning { printError("pinbench: warning: \(warning)") }
            let rendering = try set.render(machineLine: machine.line)
            // Markdown as it was always printed; the others end in their own newline.
            print(rendering.report.render(format), terminator: format == .markdown ? "\n" : "")
            if rendering.duplicates > 0 {
                printError("pinbench: warning: dropped \(rendering.duplicates) duplicated records (same cell, round and warm-up); each is counted once")
            }
            printError(rendering.plotsMessage)
            printError("pinbench: rewrote \(ResultSet.summaryFiles.map(\.name).joined(separator: ", ")), plots/ and README.md in \(set.directory)")
        } catch {
            throw reportFailure(error)
        }
    }

    /// A set's name, the options its backends were given (which vfio mapper and call) and its
    /// machine, for the comparison's header.
    static func describe(_ set: ResultSet) -> String {
        let machine = set.machineLine()
        if let warning = machine.warning { printError("pinbench: warning: \(warning)") }
        let options = (try? set.specification()).flatMap { SweepReport.options(of: $0) }
        return "\(set.directory) (" + (options.map { "options: \($0); " } ?? "") + "machine: \(machine.line))"
    }
}
