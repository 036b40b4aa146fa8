/// The rounds one cell of a sweep needs, decided from its own repetitions on disk and the
/// sweep's specification alone (`SweepSpecification.rounds(of:finished:)`): always a first
/// stretch of rounds, `0..<needed`, warm-ups first.
public struct CellRounds: Sendable, Equatable {
    /// Rounds `0..<needed` are the cell's: every fixed round, and with `--reps auto` each
    /// further one its runs before it left wider than the target.
    public var needed: Int
    /// Nil for a sweep of fixed rounds; with `--reps auto`, where the cell stands.
    public var status: AdaptiveRounds.Status?
    /// The judgement behind the last decision: of the runs before round `needed - 1` when that
    /// round was added, else (met, not met) of the runs before `needed`.
    public var judgement: AdaptiveRounds.Judgement?
}
