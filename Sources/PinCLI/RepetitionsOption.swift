import PinHarness

/// `--reps` of run and sweep: a number of measured repetitions (rounds), or `auto`: the fixed
/// ones `AdaptiveRounds.base` says, then more until each interval meets `--target-width`.
enum RepetitionsOption: Sendable, Equatable {
    case fixed(Int)
    case auto

    /// The transform of `--reps`: `auto`, or a whole number in `OptionRange.repetitions`.
    static func parse(_ text: String) throws -> RepetitionsOption {
        if text.trimmingWhitespace().lowercased() == "auto" { return .auto }
        return .fixed(try OptionRange.repetitions.parse(text))
    }

    /// The fixed repetitions: as given, or `--reps auto`'s base over the command's default.
    func base(default value: Int) -> Int {
        switch self {
        case .fixed(let count): count
        case .auto: AdaptiveRounds.base(defaultRepetitions: value)
        }
    }
}
