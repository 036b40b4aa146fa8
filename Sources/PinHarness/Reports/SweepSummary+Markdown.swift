import PinCore

// MARK: - Tables

extension SweepSummary {
    /// `summary.md`'s body: per group a pin table and an unpin table, a row per thread count,
    /// columns per threaded strategy; `single` (1 thread) is the line above each table, the
    /// reference every speedup is over. Flags and skipped cells follow.
    func document() -> ReportDocument {
        var document = ReportDocument()
        for group in groups {
            document += [.heading("\(group.group.backend) · \(group.group.memory) · \(group.group.size)", level: 2), .blank]
            document += table(group, phase: .pin)
            document += [.blank]
            document += table(group, phase: .unpin)
            document += inKernelTable(group)
            if !group.dirty.isEmpty { document += [.blank, .line("Dirty tracking:"), .blank] + group.dirty.document().blocks }
            let notes = flagNotes(group)
            if !notes.isEmpty { document += [.blank] + notes.map(ReportDocument.Block.item) }
            document += [.blank]
        }
        if !skipped.isEmpty {
            document += [.heading("Skipped cells", level: 2), .blank]
            // Cells that share a reason share a line: usually a whole group (an empty pool).
            var byReason: [(reason: String, cells: [String])] = []
            for skip in skipped {
                if let index = byReason.firstIndex(where: { $0.reason == skip.reason }) {
                    byReason[index].cells.append(skip.cell)
                } else {
                    byReason.append((skip.reason, [skip.cell]))
                }
            }
            for entry in byReason {
                document += [
                    .item("\(entry.cells.map { "`\($0)`" }.joined(separator: ", ")):"),
                    .indented(entry.reason.split(separator: "\n").map { $0.trimmingWhitespace() }.joined(separator: " ")),
                ]
            }
            document += [.blank]
        }
        if groups.isEmpty && skipped.isEmpty { document += [.line("No repetitions recorded yet.")] }
        return document
    }

    /// `summary.md`'s body as Markdown.
    public func markdown() -> String { document().markdown() }

    public enum Phase: String, Sendable { case pin, unpin }

    /// The phase's reference line (`single`), then its table: a row per thread count, a group
    /// of columns per threaded strategy (kept together when a text table is split).
    func table(_ group: Group, phase: Phase) -> [ReportDocument.Block] {
        let dash = "-"
        func stats(_ cell: CellSummary?) -> Statistics? { phase == .pin ? cell?.pin : cell?.unpin }
        func interval(_ stats: Statistics?) -> String {
            guard let stats else { return dash }
            guard let ci = stats.medianInterval else { return "n=\(stats.count) (<6)" }
            return DurationFormat.interval(ci.low, ci.high)
        }
        var blocks: [ReportDocument.Block] = []
        let title = phase == .pin ? "Pin" : "Unpin"
        if let single = group.single {
            var reference = "\(title), single (1 thread): "
            if let s = stats(single) {
                reference += "\(DurationFormat.seconds(s.median)) median, 95% CI \(interval(s))"
                if phase == .pin, let rate = single.pinGiBPerSecond { reference += ", \(formatDecimal(rate, digits: 2)) GiB/s" }
                reference += ", \(single.verifiedRuns)/\(single.runs) verified"
            } else {
                reference += "no verified run"
            }
            if phase == .pin, let rounds = Self.roundsText(single) { reference += "; --reps auto: \(rounds)" }
            blocks += [.line(reference), .blank]
        } else {
            blocks += [.line("\(title) (no single cell: speedups unavailable)"), .blank]
        }
        let strategies = group.threadedStrategies
        guard !strategies.isEmpty else { return blocks }
        var columns: [TextTable.Column] = [.init("threads")]
        for strategy in strategies {
            let name = strategy.rawValue
            columns += [.init("\(strategy) median", group: name), .init("95% CI", group: name)]
            if phase == .pin { columns.append(.init("GiB/s", group: name)) }
            columns += [.init("speedup", group: name), .init("efficiency", group: name)]
            // --reps auto: the rounds each cell took and whether it met the target (pin table only:
            // one count covers both phases).
            if phase == .pin && adaptive != nil { columns.append(.init("rounds", group: name)) }
        }
        var table = TextTable(columns: columns)
        for threads in group.threads {
            var row = ["\(threads)"]
            for strategy in strategies {
                let cell = group.cell(strategy, threads: threads)
                let s = stats(cell)
                row += [s.map { DurationFormat.seconds($0.median) } ?? dash, interval(s)]
                if phase == .pin { row.append(cell?.pinGiBPerSecond.map { formatDecimal($0, digits: 2) } ?? dash) }
                let speedup = phase == .pin ? cell?.pinSpeedup : cell?.unpinSpeedup
                let efficiency = phase == .pin ? cell?.pinEfficiency : cell?.unpinEfficiency
                row += [speedup.map(DurationFormat.ratio) ?? dash, efficiency.map(DurationFormat.percent) ?? dash]
                if phase == .pin && adaptive != nil { row.append(cell.flatMap(Self.roundsText) ?? dash) }
            }
            table.append(row)
        }
        return blocks + [.table(table)]
    }

    /// `14 met`, `30 NOT met`, `8 pending`: a cell's measured rounds under `--reps auto` and
    /// where it stands; nil for fixed rounds.
    static func roundsText(_ cell: CellSummary) -> String? {
        guard let status = cell.rounds?.status else { return nil }
        let word = switch status {
        case .met: "met"
        case .notMet: "NOT met"
        case .pending: "pending"
        case .noVerifiedRun: "no verified run"
        }
        return "\(cell.runs) \(word)"
    }

    /// For a backend that times itself in the kernel (kmod): per cell the module's own pin and
    /// unpin medians and what share of the userspace wall time they are. Empty otherwise.
    func inKernelTable(_ group: Group) -> [ReportDocument.Block] {
        let cells = group.cells.filter { $0.inKernelPin != nil }
        guard !cells.isEmpty else { return [] }
        var table = TextTable(columns: [.init("cell", .left), .init("pin"), .init("of wall"), .init("unpin"), .init("of wall")])
        for cell in cells {
            let name = cell.cell.strategy == .single ? "single" : "\(cell.cell.strategy)/\(cell.cell.threads)"
            func share(_ kernel: Statistics?, _ wall: Statistics?) -> String {
                guard let kernel, let wall, wall.median > 0 else { return "-" }
                return "\(formatDecimal(kernel.median / wall.median * 100, digits: 1))%"
            }
            table.append([
                name, cell.inKernelPin.map { DurationFormat.seconds($0.median) } ?? "-", share(cell.inKernelPin, cell.pin),
                cell.inKernelUnpin.map { DurationFormat.seconds($0.median) } ?? "-", share(cell.inKernelUnpin, cell.unpin),
            ])
        }
        return [.blank, .line("In-kernel (module ktime, the longest call of each phase), medians:"), .blank, .table(table)]
    }

    /// The lines under a group's tables, as Markdown list items.
    public func flags(_ group: Group) -> [String] { flagNotes(group).map { "- " + $0 } }

    /// The notes under a group's tables: wide intervals, slow warm-ups, too few runs, failures.
    func flagNotes(_ group: Group) -> [String] {
        var wide: [String] = []
        var few: [String] = []
        var slow: [String] = []
        var failed: [String] = []
        var notMet: [String] = []
        var pending: [String] = []
        for cell in group.cells {
            let name = cell.cell.strategy == .single ? "single" : "\(cell.cell.strategy)/\(cell.cell.threads)"
            switch cell.rounds?.status {
            case .notMet?: notMet.append("\(name) (\(cell.rounds?.judgement?.widest ?? "?"))")
            case .pending?: pending.append(name)
            default: break
            }
            for (phase, stats) in [("pin", cell.pin), ("unpin", cell.unpin)] {
                guard let stats else { continue }
                if Self.isWide(stats), let width = stats.relativeIntervalWidth {
                    wide.append("\(phase) \(name) (\(DurationFormat.percent(width)))")
                } else if stats.medianInterval == nil, phase == "pin" {
                    few.append(name)
                }
            }
            if cell.slowWarmup, let first = cell.firstWarmupPinSeconds, let median = cell.pin?.median {
                slow.append("\(name) (\(DurationFormat.ratio(first / median)))")
            }
            if cell.verifiedRuns < cell.runs {
                failed.append("\(name): \(cell.verifiedRuns)/\(cell.runs) verified; first failure: \(cell.failure ?? "unknown")")
            }
        }
        var lines: [String] = []
        if let adaptive, !notMet.isEmpty {
            lines.append("**target not met**: 95% CI still wider than \(adaptive.targetText) of the median after "
                + "\(adaptive.maxRepetitions) rounds (--max-reps): \(notMet.joined(separator: ", "))")
        }
        if !pending.isEmpty {
            lines.append("rounds still due (--reps auto; finish with --resume): \(pending.joined(separator: ", "))")
        }
        if !wide.isEmpty {
            lines.append("95% CI wider than \(DurationFormat.percent(Self.wideIntervalShare)) of the median: \(wide.joined(separator: ", "))")
        }
        if !few.isEmpty {
            lines.append("fewer than 6 verified runs, so no 95% CI of the median: \(few.joined(separator: ", "))")
        }
        if !slow.isEmpty {
            lines.append("warm-up over \(formatDecimal(Self.slowWarmupFactor, digits: 0))x the steady median (host first-touch effects): \(slow.joined(separator: ", "))")
        }
        lines += failed.map { "FAILED runs, excluded from the times: \($0)" }
        return lines
    }
}
