// MARK: - JSON

extension SweepSummary {
    /// One cell for `report --format json`: what it is, then per phase the statistics (median,
    /// its 95% interval, spread), speedup, efficiency and flags.
    struct CellJSON: Encodable {
        var id: String
        var backend: String
        var memory: String
        var sizeBytes: Int
        var strategy: String
        var threads: Int
        var workers: Int
        var runs: Int
        var verifiedRuns: Int
        var firstWarmupPinSeconds: Double?
        var failure: String?
        /// With `--reps auto`: met, not-met, pending or no-verified-run (`runs` is the rounds taken).
        var target: AdaptiveRounds.Status?
        var pin: PhaseJSON?
        var unpin: PhaseJSON?
    }

    struct PhaseJSON: Encodable {
        var statistics: Statistics
        var gibPerSecond: Double?
        var speedup: Double?
        var efficiency: Double?
        /// The module's own time of the phase (kmod), over the same runs.
        var inKernel: Statistics?
        var flags: [String]
    }

    func cellsJSON() -> [CellJSON] {
        cells.map { cell in
            func phase(_ phase: Phase) -> PhaseJSON? {
                let pin = phase == .pin
                guard let statistics = pin ? cell.pin : cell.unpin else { return nil }
                return PhaseJSON(
                    statistics: statistics, gibPerSecond: pin ? cell.pinGiBPerSecond : nil,
                    speedup: pin ? cell.pinSpeedup : cell.unpinSpeedup, efficiency: pin ? cell.pinEfficiency : cell.unpinEfficiency,
                    inKernel: pin ? cell.inKernelPin : cell.inKernelUnpin, flags: Self.flagNames(cell, phase: phase))
            }
            return CellJSON(
                id: cell.cell.id, backend: cell.cell.backend.rawValue, memory: cell.cell.memory.rawValue,
                sizeBytes: cell.cell.size.bytes, strategy: cell.cell.strategy.rawValue, threads: cell.cell.threads,
                workers: cell.workers, runs: cell.runs, verifiedRuns: cell.verifiedRuns,
                firstWarmupPinSeconds: cell.firstWarmupPinSeconds, failure: cell.failure, target: cell.rounds?.status,
                pin: phase(.pin), unpin: phase(.unpin))
        }
    }
}
