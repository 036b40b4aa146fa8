// MARK: - CSV

extension SweepSummary {
    static let csvHeader = [
        "backend", "memory", "size_bytes", "strategy", "threads", "workers", "phase", "runs", "verified",
        "median_s", "ci95_low_s", "ci95_high_s", "ci_coverage", "min_s", "max_s", "mean_s", "stddev_s",
        "gib_per_s", "speedup", "efficiency", "first_warmup_s", "flags", "target",
    ]

    /// What a reader should not take on trust about one phase of a cell, as short names.
    static func flagNames(_ cell: CellSummary, phase: Phase) -> [String] {
        let stats = phase == .pin ? cell.pin : cell.unpin
        var flags: [String] = []
        if let stats, isWide(stats) { flags.append("wide-ci") }
        if stats != nil, stats?.medianInterval == nil { flags.append("few-runs") }
        if phase == .pin, cell.slowWarmup { flags.append("slow-warmup") }
        if cell.verifiedRuns < cell.runs { flags.append("failed-runs") }
        if cell.rounds?.status == .notMet { flags.append("target-not-met") }
        return flags
    }

    /// Long form, one row per cell and phase, seconds unformatted, empty fields where a value
    /// does not exist; for spreadsheets and scripts.
    func csvTable() -> TextTable {
        var table = TextTable(columns: Self.csvHeader.map { .init($0) })
        for cell in cells {
            for phase in [Phase.pin, .unpin] {
                let stats = phase == .pin ? cell.pin : cell.unpin
                let speedup = phase == .pin ? cell.pinSpeedup : cell.unpinSpeedup
                let efficiency = phase == .pin ? cell.pinEfficiency : cell.unpinEfficiency
                table.append([
                    cell.cell.backend.rawValue, cell.cell.memory.rawValue, "\(cell.cell.size.bytes)",
                    cell.cell.strategy.rawValue, "\(cell.cell.threads)", "\(cell.workers)", phase.rawValue,
                    "\(cell.runs)", "\(cell.verifiedRuns)",
                    Self.number(stats?.median), Self.number(stats?.medianInterval?.low),
                    Self.number(stats?.medianInterval?.high), Self.number(stats?.medianInterval?.coverage),
                    Self.number(stats?.min), Self.number(stats?.max), Self.number(stats?.mean),
                    Self.number(stats?.standardDeviation),
                    phase == .pin ? Self.number(cell.pinGiBPerSecond) : "",
                    Self.number(speedup), Self.number(efficiency),
                    phase == .pin ? Self.number(cell.firstWarmupPinSeconds) : "",
                    Self.flagNames(cell, phase: phase).joined(separator: ";"),
                    // --reps auto: met, not-met, pending or no-verified-run; empty for fixed rounds.
                    cell.rounds?.status?.rawValue ?? "",
                ])
            }
        }
        return table
    }

    /// `summary.csv`.
    public func csv() -> String { csvTable().csv() }

    /// Full precision, no thousands separators; empty for a missing value.
    static func number(_ value: Double?) -> String { value.flatMap { $0.isFinite ? "\($0)" : nil } ?? "" }
}
