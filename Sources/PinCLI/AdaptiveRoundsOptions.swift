import ArgumentParser
import PinHarness

/// `--target-width` and `--max-reps`, the policy of `--reps auto`, shared by run and sweep.
struct AdaptiveRoundsOptions: ParsableArguments {
    @Option(name: .customLong("target-width"), parsing: .unconditional,
            help: OptionRange.targetWidth.help(
                "With --reps auto: the widest 95% CI of the median (pin and unpin) a cell or strategy may end with, as a share of "
                    + "the median, in percent: 5% or 2.5.", default: "5%"),
            transform: OptionRange.targetWidth.parse)
    var targetWidth: Double?

    @Option(name: .customLong("max-reps"), parsing: .unconditional,
            help: OptionRange.maxRepetitions.help(
                "With --reps auto: the most measured repetitions (rounds) a cell or strategy gets, the fixed ones included.",
                default: "\(AdaptiveRounds.defaultCapFactor) x the fixed ones: run 18, sweep 30",
                discussion: "The cap bounds the time: at most \(AdaptiveRounds.defaultCapFactor) x the fixed rounds' by default. "
                    + "An interval narrows about as 1/sqrt(n), so tripling the runs brings it to about 58% of its width after "
                    + "the fixed rounds; a cell further from the target than that needs far more rounds than it is worth "
                    + "(a quieter machine, --prefault, or a larger size helps more)."),
            transform: OptionRange.maxRepetitions.parse)
    var maxRepetitions: Int?

    /// The options given, by name (a resumed sweep takes its own from sweep.json).
    var given: [String] {
        (targetWidth == nil ? [] : ["--target-width"]) + (maxRepetitions == nil ? [] : ["--max-reps"])
    }

    /// The policy for `repetitions`, whose fixed part is `base`: nil unless `--reps auto`; a
    /// refusal for a target or cap without it, or a cap below the fixed repetitions.
    func policy(for repetitions: RepetitionsOption, base: Int) throws -> AdaptiveRounds? {
        guard repetitions == .auto else {
            if let option = given.first { throw ValidationError("\(option) is for --reps auto: add --reps auto, or drop \(option)") }
            return nil
        }
        let cap = maxRepetitions ?? AdaptiveRounds.defaultCapFactor * base
        guard cap >= base else {
            throw ValidationError("--max-reps \(cap) is below the \(base) repetitions --reps auto always runs first: give \(base) or more")
        }
        return AdaptiveRounds(targetWidth: (targetWidth ?? AdaptiveRounds.defaultTargetWidth * 100) / 100, maxRepetitions: cap)
    }
}
