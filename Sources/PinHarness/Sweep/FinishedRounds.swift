/// The repetitions of a result set already on disk, by cell and round: what a sweep resumes
/// from (only the rest runs) and what `--reps auto` decides each cell's next round from.
/// Records without a cell or round (`run --jsonl`) are not rounds of a sweep and are left out;
/// of two records of one (cell, round), the first counts, as `ResultSet.readUniqueRecords` keeps.
public struct FinishedRounds: Sendable {
    /// What deciding a round needs of a repetition.
    struct Run: Sendable, Equatable {
        var warmup: Bool
        var verified: Bool
        var pinSeconds: Double
        var unpinSeconds: Double
    }

    private var byCell: [String: [Int: Run]] = [:]
    /// (cell, round) pairs held.
    public private(set) var count = 0

    public init(_ records: [RunRecord] = []) {
        for record in records { add(record) }
    }

    /// Adds a record as the sweep appends it; a second record of a pair is ignored.
    public mutating func add(_ record: RunRecord) {
        guard let cell = record.cell, let round = record.round, byCell[cell]?[round] == nil else { return }
        byCell[cell, default: [:]][round] = Run(warmup: record.warmup, verified: record.verified,
                                                pinSeconds: record.pinSeconds, unpinSeconds: record.unpinSeconds)
        count += 1
    }

    public func contains(_ cell: SweepCell, round: Int) -> Bool { byCell[cell.id]?[round] != nil }

    /// The cell's repetitions by round.
    func runs(of cell: SweepCell) -> [Int: Run] { byCell[cell.id] ?? [:] }
}
