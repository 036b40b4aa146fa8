#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import PinHarness

/// The one list of exit codes, the same in every command; `pinbench --help` and the man page
/// show `ExitStatus.list`, and each subcommand's help refers to it.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    /// Everything asked was done (and every run verified).
    case done = 0
    /// A step failed while measuring: the machine refused something it had said it could do.
    case failed = 1
    /// Bad input (an option, a value out of its range, a damaged result set, a path that cannot
    /// be used) or something this machine lacks (memory, a hugepage pool, RLIMIT_MEMLOCK, a device).
    case badInput = 2
    /// Some runs failed verification (vfio-rules: an answer that is not type1's).
    case verificationFailed = 3
    /// Interrupted by SIGINT (Ctrl-C); what finished is kept.
    case interrupted = 130
    /// Interrupted by SIGTERM; what finished is kept.
    case terminated = 143

    /// The status of a command ended by `signal`.
    static func interrupted(by signal: Int32) -> ExitStatus { signal == SIGTERM ? .terminated : .interrupted }

    /// Thrown by a command to end with this status (its message already printed).
    var exitCode: ExitCode { ExitCode(rawValue) }

    /// The list for help texts.
    static let list = """
        Exit codes, the same for every command: 0 done; 1 a step failed while measuring; 2 bad input (an option, \
        a value out of its range, a damaged result set, a path that cannot be used) or something the machine \
        lacks (memory, a hugepage pool, RLIMIT_MEMLOCK, a device), said in one line with what to do; 3 some runs \
        failed verification; 130 interrupted by SIGINT, 143 by SIGTERM (what finished is kept). Signals, one rule \
        from start-up to exit: the first SIGINT or SIGTERM finishes the current repetition and ends with 130 or \
        143, a second ends the process at once; a SIGINT ignored when pinbench started (a background job of a \
        non-interactive shell, nohup) stays ignored for the whole run, and SIGTERM still stops it.
        """

    /// What a subcommand's help says: the list is the root's.
    static let seeList = "Exit codes: as listed in `pinbench --help`"

    /// The status an error thrown while running a command ends it with.
    static func of(_ error: any Error) -> ExitStatus {
        switch error {
        case let code as ExitCode: return ExitStatus(rawValue: code.rawValue) ?? (code.rawValue == 0 ? .done : .failed)
        case is CleanExit: return .done
        case let error as HarnessError: return error.exitCode == 2 ? .badInput : .failed
        case is ValidationError, is OptionRangeError, is DecodingError: return .badInput
        default: return ErrorText.isUnusablePath(error) ? .badInput : .failed
        }
    }
}
