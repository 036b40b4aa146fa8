import ArgumentParser
import PinHarness

/// The one place that turns any error a command throws into the line the user reads:
/// `pinbench: error: ` and one line saying what failed, where, and what to do (argument-parser's
/// own refusals while parsing keep their usual form, with the usage under them).
enum ErrorLine {
    /// The error as one line, without the prefix.
    static func text(_ error: any Error) -> String {
        switch error {
        case let error as ValidationError: return ErrorText.oneLine(error.message)
        case let error as OptionRangeError: return error.message
        default: return ErrorText.line(error)
        }
    }

    /// Prints the error's line on standard error.
    static func print(_ error: any Error) {
        printError("pinbench: error: \(text(error))")
    }
}
