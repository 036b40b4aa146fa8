#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import PinBackends
import PinContract
import PinCore
import PinHarness
import PinSystem

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Measure the cartesian product of thread counts, strategies, backends, memory kinds and sizes into a result set.",
        discussion: """
            Every cell (backend, memory kind, size, strategy, thread count; single runs at 1 thread) runs once \
            per round on a fresh region; warm-up rounds come first and are recorded but not counted; each round \
            runs the cells in a seeded shuffled order. With --reps auto, after \(AdaptiveRounds.base(defaultRepetitions: SweepDefaults.repetitions)) \
            rounds each further round, in the same shuffled order, goes only to the cells whose 95% CI of the median \
            (pin or unpin) is still wider than --target-width, until each meets it or has --max-reps rounds; the \
            summary says how many rounds each cell took and marks those that did not meet it. \
            Each repetition is appended to runs.jsonl as it finishes; \
            Ctrl-C discards only the repetition in progress, and --resume DIR finishes the rest. Cells this \
            machine cannot run (an empty hugepage pool, too little memory) are skipped with the reason. \
            \(ExitStatus.seeList) (2 also when no cell can run here; 130/143: resumable with --resume).
            """
    )

    @Option(parsing: .unconditional,
            help: "Thread counts, each \(OptionRange.threads.rangeText), at most \(ThreadCounts.maxCounts) of them: 4, 1,2,4,8, 1..64 (powers of two), 1..nproc, 2..16:2 (default: \(SweepDefaults.threads)).")
    var threads: String?

    @Option(name: [.customLong("strategies"), .customLong("strategy")], help: "single, user, kernel, a comma list, or all (default: all).")
    var strategies: String?

    @Option(name: [.customLong("backends"), .customLong("backend")],
            help: "Comma list of \(Backends.catalog.names.map(\.rawValue).joined(separator: ", ")) (default: \(SweepDefaults.backends.map(\.rawValue).joined(separator: ","))).")
    var backends: String?

    @Option(help: "Comma list of memory kinds: \(MemoryKind.allCases.map(\.rawValue).joined(separator: ", ")) (default: anon,thp,hugetlb-2m).")
    var memory: String?

    @Option(name: [.customLong("sizes"), .customLong("size")], parsing: .unconditional,
            help: "Comma list of region sizes, each \(OptionRange.sizes.rangeText), or auto: the larger of 2G and CPUs x 256M, at most half the usable memory (default: auto).")
    var sizes: String?

    @Option(name: .customLong("reps"), parsing: .unconditional,
            help: OptionRange.repetitions.help(
                "Measured rounds (6 or more give a 95% CI of the median), or auto: "
                    + "\(AdaptiveRounds.base(defaultRepetitions: SweepDefaults.repetitions)), then more for the cells wider than --target-width.",
                default: "\(SweepDefaults.repetitions)"),
            transform: RepetitionsOption.parse)
    var repetitions: RepetitionsOption?

    @OptionGroup(title: "Adaptive rounds (--reps auto)") var adaptiveOptions: AdaptiveRoundsOptions

    @Option(name: .customLong("warmup"), parsing: .unconditional,
            help: OptionRange.warmups.help("Warm-up rounds, recorded but not counted.", default: "\(SweepDefaults.warmups)"),
            transform: OptionRange.warmups.parse)
    var warmups: Int?

    @Option(parsing: .unconditional, help: OptionRange.seed.help("Seed of the shuffled order, recorded in the set.", default: "random"),
            transform: OptionRange.seed.parse)
    var seed: UInt64?

    @Option(name: .customLong("cut-align"), help: "user: where cuts fall: page (QEMU), base, pmd, pud, folio (default: page).")
    var cutAlign: String?

    @Option(help: "kernel: padata align: base, pmd, pud, folio (default: pmd).")
    var align: String?

    @Option(name: .customLong("min-chunk"), parsing: .unconditional, help: OptionRange.minChunk.help("kernel: padata min_chunk.", default: "128M"),
            transform: OptionRange.minChunk.parse)
    var minChunk: ByteSize?

    @Flag(help: "Populate each region untimed before the pin phase, so only pinning is timed.")
    var prefault = false

    @OptionGroup(title: "NUMA") var numa: NUMAOptionGroup

    @OptionGroup(title: "Backend options") var backendOptions: BackendOptionGroup

    @Option(name: .customLong("host-warm"), help: hostWarmHelp(" Recorded in sweep.json and kept by --resume."),
            transform: parseHostWarm)
    var hostWarm: HostWarm?

    @Flag(name: .customLong("reserve-hugepages"), help: "Grow the hugetlb pools the sweep needs and give the pages back at the end (root).")
    var reserveHugepages = false

    @Option(help: "Folder the result set is created in.")
    var results = "results"

    @Option(help: "Name suffix of the result set: results/<host>-<date>-<label>.")
    var label: String?

    @Option(help: "Exact folder for the result set (instead of results/<host>-<date>[-<label>]).")
    var output: String?

    @Option(help: "Finish the interrupted sweep in this result set, with its own options.")
    var resume: String?

    @Flag(name: .customLong("dry-run"), help: "Print the cells, what they need and what would be skipped; measure nothing.")
    var dryRun = false

    func validate() throws {
        if output != nil && (label != nil || results != "results") {
            throw ValidationError("--output names the set's folder exactly; drop --label and --results, or drop --output")
        }
        // Everything that can be checked without the machine is refused while parsing: backend
        // options no swept backend takes, each list and value, and the sweep's size (a resume
        // takes its options from the set, and refuses any given).
        guard resume == nil else { return }
        let specification = try makeSpecification()
        do { try specification.validate() } catch { throw ValidationError(error.description) }
        _ = try Self.totalRepetitions(specification)
    }

    /// The most repetitions one sweep may run (cells x rounds): far beyond any real sweep, and
    /// what keeps the count, its progress and its plan from overflowing.
    static let maxRepetitions = 100_000_000

    /// Cells x rounds, multiplied without overflow, refused past `maxRepetitions`.
    static func totalRepetitions(_ specification: SweepSpecification) throws -> Int {
        // The cell count as a product of the lists (no cell is made to count them).
        let factors = [specification.backends.count, specification.memory.count, specification.sizes.count,
                       specification.strategies.count, specification.threads.count, specification.roundLimit]
        var total = 1
        for factor in factors {
            let (product, overflow) = total.multipliedReportingOverflow(by: factor)
            guard !overflow, product <= maxRepetitions else {
                throw ValidationError("this sweep would run more than \(maxRepetitions) repetitions (backends x memory kinds x sizes "
                    + "x strategies x thread counts x rounds); give shorter lists or fewer --reps")
            }
            total = product
        }
        return total
    }

    /// The swept backends (`--backends`, or the defaults) and each one's options.
    func sweptBackendOptions() throws -> (backends: [BackendID], options: [any BackendOptions]) {
        let list: [BackendID] = try backends.map { try Self.list($0, "--backends").map(parseBackend) } ?? SweepDefaults.backends
        return (list, try backendOptions.options(for: list, bind: numa.options.bind) { "\($0) in --backends" })
    }

    func run() throws {
        let machine = MachineRecord.current(version: PinBenchVersion.string, gitCommit: PinBenchVersion.gitCommit())
        guard let (specification, set) = try prepare(machine: machine) else { return }  // --dry-run

        let sweep: Sweep
        do { sweep = try Sweep(specification, resultSet: set) } catch { throw reportFailure(error) }
        printError("pinbench sweep: \(set.directory)")
        printError("machine: \(machine.oneLine)")
        let progress = SweepProgress()
        var outcome = Sweep.Outcome()
        var failure: HarnessError?
        do throws(HarnessError) {
            outcome = try sweep.run(onEvent: { progress.handle($0) })
        } catch {
            failure = error
        }
        progress.finish()

        // Whatever happened, the set on disk is rendered from what it holds.
        let rendering: ResultSet.Rendering
        do {
            rendering = try set.render(machineLine: set.machine()?.oneLine)
        } catch {
            // A damaged runs.jsonl fails the sweep and the rendering alike: say it once.
            if failure?.description != error.description { printError("pinbench: could not render the summary: \(ErrorText.line(error))") }
            throw reportFailure(failure ?? error)
        }
        print(rendering.markdown)
        if let line = Self.targetLine(rendering.summary) { printError(line) }
        printError(rendering.plotsMessage)
        printError("pinbench: result set \(set.directory): \(ResultSet.summaryFiles.map(\.name).joined(separator: ", ")), runs.jsonl, plots/, README.md")

        if let failure { throw reportFailure(failure) }
        if outcome.interrupted {
            printError("pinbench: interrupted; \(outcome.recorded) repetitions recorded this run. Finish with: pinbench sweep --resume \(set.directory)")
            throw ExitStatus.interrupted(by: InterruptFlag.signal == 0 ? SIGINT : InterruptFlag.signal).exitCode
        }
        if outcome.runnableCells == 0 && outcome.skippedCells > 0 {
            printError("pinbench: no cell could run on this machine (see Skipped cells above)")
            throw ExitStatus.badInput.exitCode
        }
        if outcome.skippedCells > 0 {
            printError("pinbench: \(outcome.skippedCells) cells were skipped; their reasons are in summary.md")
        }
        if outcome.notRun > 0 {
            printError("pinbench: \(outcome.notRun) repetitions could not run on this machine (see above) and were not "
                + "recorded; run them with: pinbench sweep --resume \(set.directory)")
            throw ExitStatus.failed.exitCode
        }
        if outcome.failed > 0 {
            printError("pinbench: \(outcome.failed) runs failed verification; they are excluded from the times")
            throw ExitStatus.verificationFailed.exitCode
        }
    }

    /// With `--reps auto`: how many cells met the target in how many rounds, and how many did
    /// not (they are marked in the summary, never left out of it).
    static func targetLine(_ summary: SweepSummary) -> String? {
        guard let adaptive = summary.adaptive else { return nil }
        let cells = summary.cells.compactMap { cell in cell.rounds?.status.map { (cell, $0) } }
        let met = cells.filter { $0.1 == .met }
        let rounds = met.map(\.0.runs)
        var line = "pinbench: --reps auto: \(met.count) of \(cells.count) cells met \(adaptive.targetText)"
            + (rounds.isEmpty ? "" : " in \(rounds.min()!) to \(rounds.max()!) rounds")
        for (status, words) in [(AdaptiveRounds.Status.notMet, "did not within \(adaptive.maxRepetitions) rounds"),
                                (.pending, "are still pending (--resume adds their rounds)"), (.noVerifiedRun, "had no verified run")] {
            let count = cells.filter { $0.1 == status }.count
            if count > 0 { line += "; \(count) \(words)" }
        }
        return line + (cells.count > met.count ? " (marked in the rounds columns)" : "")
    }

    // MARK: - Specification and result set

    /// The specification and the set to run it into: a new set, or the one being resumed;
    /// nil after a dry run has described it.
    func prepare(machine: MachineRecord) throws -> (SweepSpecification, ResultSet)? {
        if let resume {
            let given = givenOptions
            guard given.isEmpty else {
                throw ValidationError("--resume takes the sweep's options from \(resume)/sweep.json; drop \(given.joined(separator: ", "))")
            }
            do {
                let set = try ResultSet.open(resume)
                guard let specification = try set.specification() else {
                    throw HarnessError.invalidInput("\(resume) has no sweep.json: it was not made by `pinbench sweep`, so there is nothing to resume")
                }
                if let original = set.machine(),
                   original.hostname != machine.hostname || original.kernelRelease != machine.kernelRelease {
                    throw HarnessError.invalidInput("\(resume) was measured on \(original.hostname) (Linux \(original.kernelRelease)); this is \(machine.hostname) (Linux \(machine.kernelRelease)): start a new sweep instead of mixing machines in one set")
                }
                if dryRun {
                    let finished = FinishedRounds(try set.readUniqueRecords().records)
                    try describe(specification, directory: set.directory, finished: finished)
                    return nil
                }
                return (specification, set)
            } catch let error as HarnessError {
                throw reportFailure(error)
            }
        }

        let specification = try makeSpecification()
        do {
            try specification.validate()
        } catch {
            throw reportFailure(error)
        }
        if dryRun {
            // The same refusals the real sweep makes before it writes anything.
            do throws(HarnessError) {
                try ResultSet.checkLabel(label)
                if let output { _ = try ResultSet.checkOutput(output) }
                try describe(specification, directory: output ?? "\(results)/\(machine.hostname)-\(Self.today())" + (label.map { "-\($0)" } ?? ""),
                             finished: FinishedRounds())
            } catch {
                throw reportFailure(error)
            }
            return nil
        }
        do throws(HarnessError) {
            let set = if let output {
                try ResultSet.create(at: output)
            } else {
                try ResultSet.create(parent: results, host: machine.hostname, date: Self.today(), label: label)
            }
            try set.writeJSON(specification, to: ResultSet.specificationFile)
            try set.writeJSON(machine, to: ResultSet.machineFile)
            return (specification, set)
        } catch {
            throw reportFailure(error)
        }
    }

    /// `--dry-run`: the cells, the repetitions left, the hugepages they need, and what this
    /// machine would skip, from the plan the real sweep makes (`SweepPlan`); exits 2, as the
    /// sweep would, when no cell could run.
    func describe(_ specification: SweepSpecification, directory: String, finished: FinishedRounds) throws(HarnessError) {
        let cells = specification.cells
        let plan = try SweepPlan(specification, finished: finished, assumingReservation: true)
        if let adaptive = specification.adaptive {
            // The round count is the data's to decide: say the bounds.
            print("pinbench sweep (dry run): \(cells.count) cells x \(specification.rounds) to \(specification.roundLimit) rounds "
                + "(--reps auto: \(specification.repetitions) measured + \(specification.warmups) warm-up, then one round at a time for "
                + "the cells whose 95% CI of the median is wider than \(adaptive.targetText) of it, up to \(adaptive.maxRepetitions) measured) "
                + "= \(cells.count * specification.rounds) to \(cells.count * specification.roundLimit) repetitions"
                + (plan.alreadyDone > 0 ? "; \(plan.alreadyDone) already on disk" : "")
                + "; \(plan.toRun) to run here, then up to \(plan.adaptiveAtMost) more as the intervals decide")
        } else {
            print("pinbench sweep (dry run): \(cells.count) cells x \(specification.rounds) rounds "
                + "(\(specification.repetitions) measured + \(specification.warmups) warm-up) = \(cells.count * specification.rounds) repetitions"
                + (plan.alreadyDone > 0 ? "; \(plan.alreadyDone) already on disk" : "") + "; \(plan.toRun) to run here")
        }
        print("  backends \(specification.backends.map(\.rawValue).joined(separator: ",")); "
            + "memory \(specification.memory.map(\.rawValue).joined(separator: ",")); "
            + "sizes \(specification.sizes.map { ByteSize($0).description }.joined(separator: ",")); "
            + "threads \(ThreadCounts(specification.threads)); "
            + "strategies \(specification.strategies.map(\.rawValue).joined(separator: ","))")
        if let numa = specification.numa { print("  \(numa)") }
        let warm = (try? (specification.hostWarm ?? .off).resolve(on: .current())) ?? false
        print("  host warm \((specification.hostWarm ?? .off).rawValue): " + (warm
            ? "each repetition's memory is touched untimed first (a VM with free page reporting)"
            : "repetitions are not warmed"))
        print("  one region at a time, the largest \(ByteSize(specification.sizes.max() ?? 0)); results in \(directory)")
        for (page, needed, available) in plan.hugepages {
            print("  hugetlb \(ByteSize(page)): needs \(needed) pages, \(available) available"
                + (specification.reserveHugepages && available < needed
                    ? " (--reserve-hugepages would reserve \(needed - available) for the sweep, if the kernel grants them)" : ""))
        }
        for skip in plan.skipped {
            print("  would skip \(skip.cells[0].group) (\(skip.cells.count) cells): \(skip.reason)")
        }
        if plan.runnable.isEmpty && !plan.skipped.isEmpty {
            throw .unavailable("no cell could run on this machine (see 'would skip' above)")
        }
    }

    /// Options that shape a sweep, given on the command line (not allowed with --resume).
    var givenOptions: [String] {
        var given: [String] = []
        if threads != nil { given.append("--threads") }
        if strategies != nil { given.append("--strategies") }
        if backends != nil { given.append("--backends") }
        if memory != nil { given.append("--memory") }
        if sizes != nil { given.append("--sizes") }
        if repetitions != nil { given.append("--reps") }
        given += adaptiveOptions.given
        if warmups != nil { given.append("--warmup") }
        if seed != nil { given.append("--seed") }
        if cutAlign != nil { given.append("--cut-align") }
        if align != nil { given.append("--align") }
        if minChunk != nil { given.append("--min-chunk") }
        if prefault { given.append("--prefault") }
        given += backendOptions.arguments(bind: .none).given.map(\.option.name)
        given += numa.arguments.filter { $0.hasPrefix("--") }
        if hostWarm != nil { given.append("--host-warm") }
        if reserveHugepages { given.append("--reserve-hugepages") }
        if label != nil { given.append("--label") }
        if output != nil { given.append("--output") }
        if results != "results" { given.append("--results") }
        return given
    }

    func makeSpecification() throws -> SweepSpecification {
        let cpus = CPUSet.allowed().count
        let threadCounts: ThreadCounts
        do { threadCounts = try ThreadCounts(parsing: threads ?? SweepDefaults.threads, cpus: cpus) } catch {
            throw ValidationError("--threads: \(error)")
        }
        let sizeList: [ByteSize]
        if sizes == nil || sizes?.lowercased() == "auto" {
            let memoryInfo = (try? MemoryInfo.current()) ?? MemoryInfo(totalBytes: 0, availableBytes: 0)
            sizeList = [SweepDefaults.size(cpus: cpus, memory: memoryInfo)]
        } else {
            sizeList = try Self.list(sizes!, "--sizes").map(OptionRange.sizes.parseItem)
        }
        let swept = try sweptBackendOptions()
        let reps = repetitions ?? .fixed(SweepDefaults.repetitions)
        let base = reps.base(default: SweepDefaults.repetitions)
        return SweepSpecification(
            backends: swept.backends,
            memory: try memory.map { try Self.list($0, "--memory").map { try parseChoice($0, "memory kind") } }
                ?? SweepDefaults.memory,
            sizes: sizeList, threads: threadCounts.values,
            strategies: try strategies.map(parseStrategies) ?? Strategy.allCases,
            repetitions: base, adaptive: try adaptiveOptions.policy(for: reps, base: base), warmups: warmups ?? SweepDefaults.warmups,
            seed: seed ?? UInt64.random(in: 0...UInt64.max),
            cutAlign: try cutAlign.map { try parseChoice($0, "cut alignment") } ?? .page,
            kernelAlign: try align.map { try parseChoice($0, "alignment") } ?? .pmd,
            minChunk: minChunk ?? .mib(128),
            prefault: prefault,
            backendOptions: swept.options,
            numa: numa.given ? numa.options : nil, hostWarm: hostWarm ?? .auto, reserveHugepages: reserveHugepages,
            commandLine: Self.commandLine())
    }

    /// The items of a comma list, without duplicates, in the order given.
    static func list(_ text: String, _ option: String) throws -> [String] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        guard !items.contains(where: \.isEmpty) else { throw ValidationError("\(option) '\(text)' has an empty item") }
        var seen: Set<String> = []
        return items.filter { seen.insert($0.lowercased()).inserted }
    }

    /// The command line as typed, quoted where a shell would need it.
    static func commandLine() -> String {
        CommandLine.arguments.enumerated().map { index, argument in
            let shown = index == 0 ? "pinbench" : argument
            let plain = shown.allSatisfy { $0.isLetter || $0.isNumber || "-_./,:=+".contains($0) }
            return plain && !shown.isEmpty ? shown : "'" + shown.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    /// Today in local time, as the set's name has it: 2026-11-21.
    static func today() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [UInt8](repeating: 0, count: 16)
        let length = buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { strftime($0.baseAddress, $0.count, "%Y-%m-%d", &parts) }
        }
        return String(decoding: buffer.prefix(length), as: UTF8.self)
    }
}
