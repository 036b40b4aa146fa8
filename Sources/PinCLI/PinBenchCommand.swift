#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import PinHarness
import PinSystem

/// `pinbench`: the root command. The executable target is one line that calls `main()`, so
/// tests and the fuzzer can parse and validate the real commands in process.
public struct PinBenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pinbench",
        abstract: "Measure how fast Linux populates and pins large memory ranges: single-threaded, "
            + "userspace-threaded (QEMU-style slices) and kernel-style (padata chunks).",
        discussion: """
            pinbench compares three strategies for populating and pinning one range: single (one thread), \
            user (N userspace threads, each its own slice, as QEMU and Cloud Hypervisor split a range) and \
            kernel (padata-style helpers taking PMD/PUD-aligned chunks from one cursor), on real memory of \
            every kind (anon, thp, hugetlb-2m/1g, memfd, hugetlbfs) through several backends (populate, \
            mlock, touch, vfio, foliosim, and kmod, its own kernel module). Every run verifies what it \
            claims (pages resident, locked or pinned, refcounts balanced) and is reported as failed if not.

            Start with `pinbench doctor` (what this machine can pin, and how to fix what it cannot), then \
            `pinbench run --size 1G` (one table), `pinbench sweep` (a result set under results/), \
            `pinbench report DIR --format text` (a table for a plain-text cover letter) and \
            `pinbench forecast DIR --size 1T` (a bigger machine's times). Each subcommand has its own page: \
            man pinbench.run, pinbench.sweep, ...

            \(ExitStatus.list)
            """,
        version: PinBenchVersion.string,
        subcommands: [RunCommand.self, SweepCommand.self, ReportCommand.self, ForecastCommand.self, PlanCommand.self, DoctorCommand.self,
                      CalibrateCommand.self, TopologyCommand.self, HoldCommand.self, VFIORulesCommand.self],
        defaultSubcommand: nil
    )

    public init() {}

    /// The executable's main: every start first gives back what a killed pinbench left on the
    /// machine (its journal), then parses, validates and runs the command line and exits with
    /// the status `ExitStatus` documents (argument-parser's own `main` would exit 64 for a usage
    /// error and print a thrown error as it is).
    public static func main() -> Never {
        // The signal rule holds from here to exit, parsing included (`InterruptFlag`).
        InterruptFlag.install()
        for line in MachineJournal.recoverStale() { printError("pinbench: \(line)") }
        var status = run(Array(CommandLine.arguments.dropFirst()))
        // A command that never polls the flag (report, plan, ...) still ends as interrupted.
        if status == .done, InterruptFlag.isRaised { status = .interrupted(by: InterruptFlag.signal) }
        Glibc.exit(status.rawValue)
    }

    /// Parses, validates and runs `arguments`, printing what went wrong; the exit status.
    static func run(_ arguments: [String]) -> ExitStatus {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return refuse(error, arguments: arguments)
        }
        do {
            try command.run()
            return .done
        } catch where isArgumentParserError(error) {
            // `--help` and `help` parse into argument-parser's own command, which throws them.
            return refuse(error, arguments: arguments)
        } catch {
            let status = ExitStatus.of(error)
            switch error {
            case is ExitCode: break  // the command printed its own message
            case is CleanExit: print(fullMessage(for: error))
            default: ErrorLine.print(error)
            }
            return status
        }
    }

    /// The status of an error from parsing and validation, as argument-parser prints it: help
    /// or the version on stdout (0), anything else is bad input (2), with the usage.
    public static func parseStatus(for error: any Error) -> ExitStatus {
        exitCode(for: error) == .success ? .done : .badInput
    }

    /// Whether argument-parser made the error (its CommandError and ParserError are internal).
    static func isArgumentParserError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") && !(error is ExitCode) && !(error is ValidationError)
    }

    /// Prints help or the version on stdout, or a parsing or validation error as one line
    /// (argument-parser's message, the command whose help lists the options), and its status.
    static func refuse(_ error: any Error, arguments: [String]) -> ExitStatus {
        let status = parseStatus(for: error)
        if status == .done {
            print(fullMessage(for: error))
        } else {
            let reason = message(for: error).split(separator: "\n").first.map(String.init) ?? "bad input"
            let command = arguments.first.flatMap { name in
                configuration.subcommands.first { $0._commandName == name }.map { "pinbench \($0._commandName)" }
            } ?? "pinbench"
            printError("pinbench: error: \(reason) (see '\(command) --help')")
        }
        return status
    }
}
