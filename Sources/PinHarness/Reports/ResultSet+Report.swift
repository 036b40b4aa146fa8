import PinCore

// MARK: - Rendering a set from its records

extension ResultSet {
    /// What `render` wrote and what a reader should know.
    public struct Rendering: Sendable {
        public var summary: SweepSummary { report.summary }
        /// The summary with its header, in every format (`summary.md` is its Markdown).
        public var report: SweepReport
        /// `summary.md`, as written.
        public var markdown: String
        public var plotsMessage: String
        /// (cell, round) pairs the specification asks for that have no record, skipped cells aside.
        public var missingRepetitions: Int? { report.missingRepetitions }
        /// Records that repeated a (cell, round, warm-up) already read, left out of every figure.
        public var duplicates: Int { report.duplicates }
    }

    /// The summary files `render` writes, each the summary in one format.
    public static let summaryFiles: [(name: String, format: OutputFormat)] = [
        ("summary.md", .markdown), ("summary.txt", .text), ("summary.csv", .csv),
    ]

    /// The set's name: its folder's last component.
    public var name: String { String(directory.split(separator: "/").last ?? Substring(directory)) }

    /// The sweep's specification, when the set has one (sets from `pinbench run --jsonl` do not).
    /// A damaged or hostile one (a count past the bounds `validate` states) is an error.
    public func specification() throws(HarnessError) -> SweepSpecification? {
        guard exists(Self.specificationFile) else { return nil }
        let specification = try readJSON(SweepSpecification.self, from: Self.specificationFile)
        do { try specification.validate() } catch {
            throw .invalidInput("\(path(Self.specificationFile)) is not a sweep PinBench can read back: \(error)")
        }
        return specification
    }

    /// The machine the set was measured on, when `machine.json` is there, reads and holds
    /// values in range.
    public func machine() -> MachineRecord? {
        guard let machine = try? readJSON(MachineRecord.self, from: Self.machineFile), (try? machine.checkRanges()) != nil
        else { return nil }
        return machine
    }

    /// The machine line of the set's tables, and a warning when `machine.json` is missing or
    /// unreadable: a published table says so rather than silently lose its machine.
    public func machineLine() -> (line: String, warning: String?) {
        let file = path(Self.machineFile)
        let advice = "the tables say the machine is unknown; restore it from where the set was measured (pinbench sweep writes it)"
        guard exists(Self.machineFile) else {
            return ("unknown (\(Self.machineFile) missing)", "\(file) is missing: \(advice)")
        }
        do {
            let machine = try readJSON(MachineRecord.self, from: Self.machineFile)
            do { try machine.checkRanges() } catch {
                return ("unknown (\(Self.machineFile) unreadable)", "\(file): \(error): \(advice)")
            }
            return (machine.oneLine, nil)
        } catch {
            return ("unknown (\(Self.machineFile) unreadable)", "\(Self.firstLine(error.description)): \(advice)")
        }
    }

    /// Re-renders `summary.md`, `summary.txt`, `summary.csv`, the plots and `README.md` from
    /// `runs.jsonl`.
    public func render(machineLine: String?) throws(HarnessError) -> Rendering {
        let (records, duplicates) = try readUniqueRecords()
        let skipped = try readSkipped()
        let specification = try specification()
        let summary = SweepSummary(records: records, skipped: skipped, specification: specification)

        var missing: Int?
        if let specification {
            let finished = FinishedRounds(records)
            let skippedIDs = Set(summary.skipped.map(\.cell))
            missing = specification.cells.filter { !skippedIDs.contains($0.id) }.reduce(0) { sum, cell in
                sum + specification.missingRounds(of: cell, finished: finished).count
            }
        }

        let report = SweepReport(
            directory: directory, name: name, specification: specification, machineLine: machineLine,
            recordCount: records.count, warmupCount: records.filter(\.warmup).count,
            placementLine: Self.placementLine(records: records, options: specification?.numa),
            hostWarmLine: Self.hostWarmLine(records: records, setting: specification?.hostWarm), duplicates: duplicates,
            missingRepetitions: missing, summary: summary)
        for (file, format) in Self.summaryFiles { try write(report.render(format), to: file) }
        let plotsMessage = try SweepPlots(summary: summary).write(into: self)
        try write(readme(summary: summary, specification: specification, machineLine: machineLine, missing: missing),
                  to: "README.md")
        return Rendering(report: report, markdown: report.render(.markdown), plotsMessage: plotsMessage)
    }

    /// What `--host-warm` did, when the set says: how much warming each repetition took
    /// (never part of a time in the tables).
    static func hostWarmLine(records: [RunRecord], setting: HostWarm?) -> String? {
        let warmed = records.compactMap(\.hostWarmSeconds)
        if let statistics = Statistics(warmed) {
            return "Host warm: before each repetition its memory was mapped, populated and unmapped untimed "
                + "(\(warmed.count) of \(records.count) repetitions; median \(DurationFormat.seconds(statistics.median)), "
                + "in no time above), so the VM's host backed the pages the guest handed out next; "
                + "`--host-warm off` measures without.  "
        }
        guard let setting else { return nil }
        return "Host warm: \(setting.rawValue), no repetition warmed"
            + (setting == .off ? "." : " (not a VM with free page reporting).") + "  "
    }

    /// Where memory and threads were asked to go and how many runs missed, when anything was
    /// asked or missed (sets made before placement was recorded have no line).
    static func placementLine(records: [RunRecord], options: NUMAOptions?) -> String? {
        let measured = records.filter { !$0.warmup && $0.numa != nil }
        let misplaced = measured.filter { $0.numa!.misplaced }.count
        guard options != nil || misplaced > 0, let first = measured.first?.numa else { return nil }
        return "NUMA: --node \(first.placement) (\(first.placementApplied)), --bind \(first.bind) (\(first.bindApplied)\(first.bindReason.map { "; \($0)" } ?? "")), "
            + "topology \(first.topology); \(misplaced) of \(measured.count) measured runs had sampled pages off the intended node"
            + (misplaced > 0 ? " (see runs.jsonl, `numa`)." : ".") + "  "
    }

    func readme(summary: SweepSummary, specification: SweepSpecification?, machineLine: String?, missing: Int?) -> String {
        var lines = ["# \(name)", ""]
        if let specification { lines += ["Produced by:", "", "```", specification.commandLine, "```", ""] }
        if let machineLine { lines += ["Machine: \(machineLine)", ""] }
        if let missing, missing > 0 { lines += ["**Incomplete**: \(missing) repetitions missing.", ""] }
        lines += ["## Headline", "", summary.headline(), ""]
        lines += [
            "## Files", "",
            "- `summary.md`, `summary.txt`, `summary.csv`: every cell's pin and unpin statistics, speedups and flags "
                + "(Markdown; plain text of at most 72 columns, for mail; CSV)",
            "- `runs.jsonl`: one JSON object per repetition (warm-ups marked), the raw data everything else is rendered from",
            "- `sweep.json`: what was swept; `machine.json`: the machine; `skipped.jsonl`: cells that could not run",
            "- `plots/`: speedup and GiB/s against threads per backend and memory kind (SVG, PNG, data and `plots.gp`)",
            "",
            "Re-render with `pinbench report <this folder>`.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}

extension SweepSummary {
    /// Too wide an interval, or none at all.
    static func isNoisy(_ stats: Statistics) -> Bool {
        isWide(stats) || stats.medianInterval == nil
    }

    /// One row per group at its largest thread count: each strategy's median pin time and
    /// speedup over single. The table to paste first.
    public func headline() -> String {
        guard !groups.isEmpty else { return "No results yet." }
        let strategies = Strategy.allCases.filter { strategy in groups.contains { $0.cells.contains { $0.cell.strategy == strategy } } }
        var table = TextTable(columns: [.init("backend", .left), .init("memory", .left), .init("size"), .init("threads")]
            + strategies.map { .init("\($0) pin") }, keyColumns: 3)
        var noisy = false
        for group in groups {
            let threads = group.threads.last ?? 1
            var row = [group.group.backend.rawValue, group.group.memory.rawValue, "\(group.group.size)", "\(threads)"]
            for strategy in strategies {
                guard let cell = group.cell(strategy, threads: threads), let pin = cell.pin else {
                    row.append("-")
                    continue
                }
                var text = DurationFormat.seconds(pin.median)
                if strategy != .single, let speedup = cell.pinSpeedup { text += " (\(DurationFormat.ratio(speedup)))" }
                if Self.isNoisy(pin) || (strategy != .single && group.single?.pin.map(Self.isNoisy) == true) {
                    text += " †"
                    noisy = true
                }
                row.append(text)
            }
            table.append(row)
        }
        var lines = [String(table.markdown().dropLast())]
        if noisy {
            lines += ["", "† this cell's, or its single reference's, 95% CI is wider than "
                + "\(DurationFormat.percent(Self.wideIntervalShare)) of the median (or it has under 6 runs): "
                + "the time or speedup is not to be trusted alone; see summary.md."]
        }
        return lines.joined(separator: "\n")
    }
}
