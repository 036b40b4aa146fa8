import ArgumentParser
import PinCore
import PinHarness

struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Predict pin and unpin times at a size (and thread count) a result set did not measure.",
        discussion: """
            Per cell and phase, time against size is fitted as t = fixed + size / rate over the set's verified \
            measured runs (it needs at least 2 sizes), and the speedup over threads with the Universal \
            Scalability Law. Each row gives the predicted time, its 95% prediction interval, GiB/s, R², σ and \
            κ, and notes on extrapolation. --validate leaves out the largest size (and, with 3 or more thread \
            counts, the largest thread count), refits on the rest and compares its predictions with the \
            measured medians (it needs at least 3 sizes). \(ExitStatus.seeList) (2 also for a set that cannot be fitted).
            """
    )

    @Argument(help: "A result set folder written by pinbench sweep.")
    var directory: String

    @Option(parsing: .unconditional, help: OptionRange.size.help("Size to predict: 512G, 1T, 1.5T (required unless --validate)."),
            transform: OptionRange.size.parse)
    var size: ByteSize?

    @Option(parsing: .unconditional, help: OptionRange.threads.help("Thread count to predict.", default: "the largest in the set"),
            transform: OptionRange.threads.parse)
    var threads: Int?

    @Flag(name: .customLong("validate"), help: "Leave the largest size (and thread count) out, refit, and compare with what was measured.")
    var validation = false

    @Option(help: formatHelp, transform: parseFormat)
    var format: OutputFormat = .markdown

    func validate() throws {
        if size == nil && !validation { throw ValidationError("give --size SIZE to forecast (and/or --validate)") }
        if threads != nil && size == nil { throw ValidationError("--threads is for the forecast at --size; give --size too") }
    }

    func run() throws {
        do throws(HarnessError) {
            let set = try ResultSet.open(directory)
            let (records, duplicates) = try set.readUniqueRecords()
            if duplicates > 0 {
                printError("pinbench: warning: dropped \(duplicates) duplicated records (same cell, round and warm-up); each is counted once")
            }
            let forecast = try size.map { size throws(HarnessError) in try Forecast(records: records, size: size, threads: threads) }
            let check = validation ? try ForecastValidation(records: records) : nil
            let machine = set.machineLine()
            if let warning = machine.warning { printError("pinbench: warning: \(warning)") }
            let report = ForecastReport(source: set.directory, machine: machine.line, forecast: forecast,
                                        validation: check)
            print(report.render(format), terminator: "")
        } catch {
            throw reportFailure(error)
        }
    }
}
