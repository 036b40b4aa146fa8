// MARK: - Rounds, fixed and adaptive

extension SweepSpecification {
    /// The most rounds a cell may get: the fixed ones, or with `--reps auto` the warm-ups and
    /// the cap on measured rounds.
    public var roundLimit: Int { warmups + (adaptive?.maxRepetitions ?? repetitions) }

    /// The rounds `cell` needs, from its repetitions in `finished`. Fixed: `rounds`. With
    /// `--reps auto`: the fixed rounds, then, replayed from round `rounds` on, one more round
    /// each time the verified measured runs of every round before it are wider than the target,
    /// stopping at the first round not on disk (it is due, or a round before it still is), at
    /// the target, at the cap, or when no measured run verified. A pure function of the records
    /// and the policy, so a resume adds exactly the rounds the interrupted sweep would have.
    public func rounds(of cell: SweepCell, finished: FinishedRounds) -> CellRounds {
        guard let adaptive else { return CellRounds(needed: rounds, status: nil, judgement: nil) }
        let runs = finished.runs(of: cell)
        var pin: [Double] = [], unpin: [Double] = []
        var needed = rounds
        var present = 0  // rounds 0..<present are all on disk
        var judgement: AdaptiveRounds.Judgement?
        while true {
            // Take in the rounds before `needed` that are on disk, in order.
            while present < needed, let run = runs[present] {
                if !run.warmup && run.verified {
                    pin.append(run.pinSeconds)
                    unpin.append(run.unpinSeconds)
                }
                present += 1
            }
            guard present == needed else { return CellRounds(needed: needed, status: .pending, judgement: judgement) }
            let now = AdaptiveRounds.judge(pin: Statistics(pin), unpin: Statistics(unpin))
            if now.meets(adaptive.targetWidth) { return CellRounds(needed: needed, status: .met, judgement: now) }
            if now.verifiedRuns == 0 { return CellRounds(needed: needed, status: .noVerifiedRun, judgement: now) }
            if needed >= roundLimit { return CellRounds(needed: needed, status: .notMet, judgement: now) }
            judgement = now
            needed += 1
        }
    }

    /// The rounds of `cell` its repetitions in `finished` call for and that are not there yet.
    func missingRounds(of cell: SweepCell, finished: FinishedRounds) -> [Int] {
        (0..<rounds(of: cell, finished: finished).needed).filter { !finished.contains(cell, round: $0) }
    }

    /// The cells with at least one round due and not on disk, in specification order.
    func pendingCells(finished: FinishedRounds) -> [SweepCell] {
        cells.filter { !missingRounds(of: $0, finished: finished).isEmpty }
    }
}
