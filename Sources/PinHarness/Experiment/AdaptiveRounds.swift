/// `--reps auto`: after the fixed rounds, further rounds, interleaved as the fixed ones are,
/// go to the cells (a sweep's) or strategies (a run's) whose 95% interval of the median, of
/// pin or of unpin, is still wider than `targetWidth` of that median, one round at a time,
/// until each meets the target or has `maxRepetitions` measured rounds.
///
/// Whether a cell gets another round is decided from its verified measured runs alone (and
/// this policy, which a sweep keeps in `sweep.json`), so a resumed sweep decides exactly as the
/// interrupted one would have (`SweepSpecification.rounds(of:finished:)`).
public struct AdaptiveRounds: Sendable, Equatable, Codable {
    /// The widest interval a cell may end with, as a share of its median (0.05: 5%).
    public var targetWidth: Double
    /// The most measured rounds a cell gets, the fixed ones included.
    public var maxRepetitions: Int

    public init(targetWidth: Double = Self.defaultTargetWidth, maxRepetitions: Int) {
        self.targetWidth = targetWidth
        self.maxRepetitions = maxRepetitions
    }

    /// 5%: the changes a kernel patch is judged by are tens of percent, and an interval of 5%
    /// tells those from noise.
    public static let defaultTargetWidth = 0.05
    /// The fewest fixed rounds: 6 runs are the fewest whose median has a 95% interval.
    public static let minimumBase = 6
    /// The default cap is this many times the fixed rounds: a sweep then takes at most 3 times
    /// as long, and an interval narrows about as 1/sqrt(n), so tripling the runs brings it to
    /// about 58% of its width; a cell further off than that needs far more rounds than it is
    /// worth (a quieter machine, or `--prefault`).
    public static let defaultCapFactor = 3
    /// The target's range: 0.1% to 100% of the median.
    public static let targetRange: ClosedRange<Double> = 0.001...1
    /// The most measured rounds a cell may be allowed: deciding replays a cell's rounds, and a
    /// thousand rounds of the smallest cell take minutes.
    public static let maxRepetitionsLimit = 1000

    /// The fixed rounds `--reps auto` starts from: the command's default, at least `minimumBase`.
    public static func base(defaultRepetitions: Int) -> Int { Swift.max(minimumBase, defaultRepetitions) }

    /// Refuses a policy that cannot work with `base` fixed rounds (a damaged `sweep.json`, a
    /// library caller's numbers).
    public func validate(base: Int) throws(HarnessError) {
        guard targetWidth.isFinite, Self.targetRange.contains(targetWidth) else {
            throw .invalidInput("--target-width must be 0.1% to 100% of the median")
        }
        guard base >= Self.minimumBase else {
            throw .invalidInput("--reps auto needs at least \(Self.minimumBase) fixed rounds (the fewest with a 95% interval), not \(base)")
        }
        guard maxRepetitions >= base, maxRepetitions <= Self.maxRepetitionsLimit else {
            throw .invalidInput("--max-reps must be \(base) (the fixed rounds) to \(Self.maxRepetitionsLimit), not \(maxRepetitions)")
        }
    }

    // MARK: - Judging a cell

    /// How one cell's verified measured runs stand against the target.
    public struct Judgement: Sendable, Equatable {
        /// Each phase's interval width over its median; nil when it has no interval (fewer than
        /// 6 verified runs) or no run at all.
        public var pinWidth: Double?
        public var unpinWidth: Double?
        public var verifiedRuns: Int

        /// Both phases have an interval within the target.
        public func meets(_ target: Double) -> Bool {
            guard let pinWidth, let unpinWidth else { return false }
            return pinWidth <= target && unpinWidth <= target
        }

        /// The phase furthest from the target and its width: `unpin 7.3%`, `pin no CI (n=4)`.
        public var widest: String {
            func text(_ width: Double?) -> String { width.map(DurationFormat.percentOneDecimal) ?? "no CI (n=\(verifiedRuns))" }
            switch (pinWidth, unpinWidth) {
            case (let pin?, let unpin?): return unpin > pin ? "unpin \(text(unpin))" : "pin \(text(pin))"
            case (nil, _): return "pin \(text(nil))"
            case (_, nil): return "unpin \(text(nil))"
            }
        }
    }

    /// The judgement of a cell from the statistics of its verified measured runs.
    public static func judge(pin: Statistics?, unpin: Statistics?) -> Judgement {
        Judgement(pinWidth: pin?.relativeIntervalWidth, unpinWidth: unpin?.relativeIntervalWidth, verifiedRuns: pin?.count ?? 0)
    }

    /// Where a cell ended (or stands) under this policy.
    public enum Status: String, Sendable, Equatable, Codable {
        /// Both intervals within the target.
        case met
        /// `maxRepetitions` rounds and still wider: shown as such, never hidden.
        case notMet = "not-met"
        /// More rounds are due and not measured yet (an interrupted sweep; `--resume` adds them).
        case pending
        /// No measured run verified: there is nothing to narrow, so no round is added.
        case noVerifiedRun = "no-verified-run"
    }

    /// What a run's strategy came to: its measured rounds and judgement, after the run stopped.
    public func status(_ judgement: Judgement, measuredRounds: Int) -> Status {
        if judgement.meets(targetWidth) { return .met }
        if judgement.verifiedRuns == 0 && measuredRounds > 0 { return .noVerifiedRun }
        return measuredRounds >= maxRepetitions ? .notMet : .pending
    }

    /// `5%`, `2.5%`: the target as typed.
    public var targetText: String { DurationFormat.percentOneDecimal(targetWidth).replacingOccurrences(of: ".0%", with: "%") }
}
