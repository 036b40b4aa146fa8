import ArgumentParser
import Foundation
import PinBackends
import PinContract
import PinCore
import PinHarness
import PinSystem

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Pin and unpin a region with one or all strategies and print the result table.",
        discussion: """
            Each repetition maps a fresh region; with --strategy all the strategies run interleaved \
            (single, user, kernel, single, ...). Pin and unpin are timed; verification after each is not. \
            --reps auto runs 6 repetitions, then one more at a time, still interleaved, for each strategy whose 95% \
            CI of the median (pin or unpin) is wider than --target-width, until it is not or has --max-reps; a line \
            under the tables says how many each took and whether it met the target. \
            \(ExitStatus.seeList) (3: some runs failed verification; 130/143: the table of what finished is printed).
            """
    )

    @Option(help: backendHelp(default: .populate), transform: parseBackend)
    var backend: BackendID = .populate

    @Option(help: "single, user, kernel, a comma list, or all (default: all).", transform: parseStrategies)
    var strategy: [Strategy] = Strategy.allCases

    @Option(parsing: .unconditional, help: OptionRange.size.help("Region size: 4K, 2M, 512MiB, 1G, 1.5T.", default: "1G"),
            transform: OptionRange.size.parse)
    var size: ByteSize = .gib(1)

    @OptionGroup var planning: PlanOptions

    @OptionGroup(title: "NUMA") var numa: NUMAOptionGroup

    @OptionGroup(title: "Backend options") var backendOptions: BackendOptionGroup

    @Flag(help: "Populate each region untimed before the pin phase, so only pinning is timed.")
    var prefault = false

    @Option(name: .customLong("reps"), parsing: .unconditional,
            help: OptionRange.repetitions.help(
                "Measured repetitions per strategy, or auto: \(AdaptiveRounds.base(defaultRepetitions: Self.defaultRepetitions)), then "
                    + "one more at a time for each strategy whose 95% CI is wider than --target-width, up to --max-reps.",
                default: "\(Self.defaultRepetitions)"),
            transform: RepetitionsOption.parse)
    var repetitions: RepetitionsOption = .fixed(Self.defaultRepetitions)

    /// `--reps` when not given; `--reps auto` starts from 6, the fewest with a 95% CI.
    static let defaultRepetitions = 5

    @OptionGroup(title: "Adaptive repetitions (--reps auto)") var adaptiveOptions: AdaptiveRoundsOptions

    @Option(name: .customLong("warmup"), parsing: .unconditional,
            help: OptionRange.warmups.help("Warm-up repetitions per strategy (run, not counted).", default: "1"),
            transform: OptionRange.warmups.parse)
    var warmups = 1

    @Flag(help: "Also run a plain C loop of the same syscalls (single, user) and show PinBench's ratio to it.")
    var baseline = false

    @Option(name: .customLong("host-warm"), help: hostWarmHelp(), transform: parseHostWarm)
    var hostWarm: HostWarm = .auto

    @Flag(help: "Write one JSON object per measured repetition to stdout (the table goes to stderr).")
    var json = false

    @Option(help: formatHelp, transform: parseFormat)
    var format: OutputFormat = .markdown

    @Option(name: .customLong("jsonl"), help: "Also append every repetition (warm-ups marked) to this JSON Lines file, flushed as each finishes.")
    var jsonLinesPath: String?

    func validate() throws {
        _ = try options()
        _ = try adaptive()
    }

    /// `--reps auto`'s policy, or nil.
    func adaptive() throws -> AdaptiveRounds? {
        try adaptiveOptions.policy(for: repetitions, base: repetitions.base(default: Self.defaultRepetitions))
    }

    /// The backend's options from what was typed, refusing any it does not take.
    func options() throws -> any BackendOptions {
        try backendOptions.options(for: [backend], bind: numa.options.bind) { "--backend \($0)" }[0]
    }

    func run() throws {
        let threads = planning.resolvedThreads
        let memory = planning.memory
        let options = try options()
        let adaptive = try adaptive()
        let fixed = repetitions.base(default: Self.defaultRepetitions)
        let configuration = RunConfiguration(
            backendOptions: options, strategies: strategy,
            threads: threads, size: size, memory: memory, cutAlign: planning.cutAlign, kernel: planning.kernel,
            prefault: prefault, repetitions: fixed, adaptive: adaptive, warmups: warmups, baseline: baseline, numa: numa.options,
            hostWarm: hostWarm)

        let experiment: Experiment
        do { experiment = try Experiment(configuration) } catch { throw reportFailure(error) }

        let machine = MachineRecord.current(version: PinBenchVersion.string, gitCommit: PinBenchVersion.gitCommit())
        let population = !options.capabilities.contains(.realMemory) ? "simulated" : prefault ? "prefaulted" : "unpopulated"
        let title = "pinbench run: \(options.titled) on \(size) of \(memory), threads \(threads), "
            + (adaptive.map { "\(fixed) to \($0.maxRepetitions) reps (auto, to a 95% CI within \($0.targetText)) + \(warmups) warm-up, " }
                ?? "\(fixed) reps + \(warmups) warm-up, ") + population
            + (numa.given ? ", \(numa.options)" : "")
            + (experiment.warmsHost ? ", host-warmed" : "")
        printError(title)
        printError("machine: \(machine.oneLine)")
        for warning in experiment.numa.warnings(size: size) { printError("pinbench: warning: \(warning)") }

        var appender: JSONLinesAppender?
        if let jsonLinesPath {
            do { appender = try JSONLinesAppender(path: jsonLinesPath) } catch {
                throw reportFailure(HarnessError(file: error, "cannot open --jsonl \(jsonLinesPath)"))
            }
        }
        // Kept here as they arrive, so a failure part-way still prints the table of what finished.
        var records: [RunRecord] = []
        var failure: HarnessError?
        do {
            _ = try experiment.run { event in
                switch event {
                case .poolStarted(let helpers, let seconds):
                    printError("kernel strategy: \(helpers) pooled helpers started in \(DurationFormat.seconds(seconds))")
                case .roundAdded(let rep, let variants, _):
                    printError("pinbench: --reps auto: rep \(rep + 1) for " + variants.map { "\($0.variant) (\($0.judgement.widest))" }
                        .joined(separator: ", ") + ", still wider than \(adaptive?.targetText ?? "the target")")
                case .finished(let record, let done, let total):
                    records.append(record)
                    printError(Self.progressLine(record, done: done, total: total))
                    guard let line = try? JSONLinesAppender.line(record) else { return }
                    if json, !record.warmup { printFlushed(line) }
                    do { try appender?.append(line) } catch {
                        // Said once; the table on stdout still has every repetition.
                        failure = .failed("cannot append to --jsonl \(jsonLinesPath ?? ""): \(ErrorText.line(error))")
                        appender = nil
                    }
                }
            }
        } catch {
            failure = error
        }

        if !records.isEmpty {
            let report = RunReport(title: title, machineLine: machine.oneLine, records: records, adaptive: adaptive).render(format)
            if json { printError(report) } else { print(report) }
        }
        if let failure { throw reportFailure(failure) }

        if InterruptFlag.isRaised {
            printError("pinbench: interrupted after \(records.count)" + (adaptive == nil ? " of \(experiment.totalRuns)" : "") + " repetitions")
            throw ExitStatus.interrupted(by: InterruptFlag.signal).exitCode
        }
        let misplaced = records.filter { $0.numa?.misplaced == true }.count
        if misplaced > 0 {
            printError("pinbench: warning: \(misplaced) runs had sampled pages off the intended node (see the NUMA table); "
                + "their times measure another placement than the one asked")
        }
        if records.contains(where: { !$0.verified }) {
            printError("pinbench: some runs failed verification; they are excluded from the table's times")
            throw ExitStatus.verificationFailed.exitCode
        }
    }

    static func progressLine(_ record: RunRecord, done: Int, total: Int) -> String {
        let status = record.verified
            ? "verified" : (record.error.map { "FAILED: \($0); \(record.unpinnedCheck)" } ?? "\(record.pinnedCheck); \(record.unpinnedCheck)")
        return "[\(done)/\(total)] \(record.warmup ? "warm-up" : "rep \(record.rep + 1)") \(record.variant): "
            + "pin \(DurationFormat.seconds(record.pinSeconds)) (\(formatDecimal(record.pinGiBPerSecond, digits: 2)) GiB/s), "
            + "unpin \(DurationFormat.seconds(record.unpinSeconds)), \(status)"
            + (record.numa.map { $0.misplaced ? ", MISPLACED: \($0.placementSummary)" : "" } ?? "")
    }
}
