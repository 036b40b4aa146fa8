import ArgumentParser
import PinBackends
import PinCore
import PinHarness

// Parsers that turn bad input into messages saying what would be accepted.

func parseChoice<T: RawRepresentable & CaseIterable>(_ text: String, _ what: String) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: text.lowercased()) else {
        let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
        throw ValidationError("unknown \(what) '\(text)': choose one of \(choices)")
    }
    return value
}

/// `--format` of run and report: every choice is listed when the value is none of them.
func parseFormat(_ text: String) throws -> OutputFormat {
    try parseChoice(text, "format")
}

func parseHostWarm(_ text: String) throws -> HostWarm {
    try parseChoice(text, "--host-warm value")
}

/// The help of `--host-warm` (run and sweep), with what else the command does with it.
func hostWarmHelp(_ more: String = "") -> ArgumentHelp {
    ArgumentHelp(
        "auto, on or off (default: auto): touch each repetition's memory untimed first, so a VM's host backs it.",
        discussion: "auto warms only in a virtual machine with free page reporting, where memory the guest freed is "
            + "dropped by the host and costs 5-20x on its next touch; never on bare metal." + more)
}

/// The help line of `--format`, naming every choice.
let formatHelp = ArgumentHelp(
    "How to print the tables: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: markdown). "
        + "text is plain text of at most 72 columns, for plain-text mail; csv the tables, a header line each "
        + "(report: summary.csv's long form); json one document.",
    valueName: "format")

func parseStrategies(_ text: String) throws -> [Strategy] {
    if text.lowercased() == "all" { return Strategy.allCases }
    return try text.split(separator: ",").map { try parseChoice(String($0), "strategy") }
}

/// Prints a harness error's line now (before a table or a summary that follows it) and ends
/// the command with its status (`ExitStatus`).
func reportFailure(_ error: HarnessError) -> ExitCode {
    ErrorLine.print(error)
    return ExitStatus.of(error).exitCode
}
