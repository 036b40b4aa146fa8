import PinCLI
import Testing

/// Issue 24: one exit code per kind of failure, the same in every command, listed once.
@Suite("Exit codes")
struct ExitStatusCommandTests {
    /// Each command with what it requires, so the unknown option is what is refused.
    static let commands: [[String]] = [["run"], ["sweep"], ["calibrate"], ["hold"], ["forecast", "/tmp", "--size", "1T"], ["report", "/tmp"],
                                       ["plan", "--size", "1G"], ["topology"], ["doctor"], ["vfio-rules"]]

    @Test("the same bad input exits 2 in every command (argument-parser's usage errors were 64)", arguments: commands)
    func usageErrorsExit2(command: [String]) throws {
        let unknown = try PinbenchProcess.run(command + ["--no-such-option"])
        #expect(unknown.status == 2, "\(command): \(unknown.status) \(unknown.stderr)")
        #expect(unknown.stderr.hasPrefix("pinbench: error: Unknown option '--no-such-option'"), "\(unknown.stderr)")
        // One line, naming where the options are, not argument-parser's usage block.
        #expect(unknown.stderr.split(separator: "\n").count == 1, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("(see 'pinbench \(command[0]) --help')"), "\(unknown.stderr)")
    }

    @Test("--reps 0 exits 2 in run, sweep and calibrate alike", arguments: ["run", "sweep", "calibrate"])
    func sameRefusal(command: String) throws {
        let result = try PinbenchProcess.run([command, "--reps", "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'0' is invalid for '--reps <reps>': out of range 1...100000"), "\(result.stderr)")
    }

    @Test("help and version exit 0 on stdout")
    func helpExits0() throws {
        let help = try PinbenchProcess.run(["run", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: pinbench run"))
        let version = try PinbenchProcess.run(["--version"])
        // An unstamped build says its base version, X.Y.Z (a release says git describe).
        let said = version.stdout.split(separator: "\n").first ?? ""
        #expect(version.status == 0 && said.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+/) != nil, "\(version.stdout)")
    }

    @Test("the list is in the root's help once, and every subcommand's help refers to it")
    func listedOnce() {
        let root = PinBenchCommand.helpMessage(columns: 10_000)
        #expect(root.contains("Exit codes, the same for every command: 0 done; 1 a step failed while measuring; 2 bad input"))
        #expect(root.contains("130 interrupted by SIGINT, 143 by SIGTERM"))
        #expect(!root.contains("64"))
        for command in PinBenchCommand.configuration.subcommands {
            let help = PinBenchCommand.helpMessage(for: command, columns: 10_000)
            #expect(help.contains("Exit codes: as listed in `pinbench --help`"), "\(command)")
            #expect(!help.contains(" 64 "), "\(command)")
        }
    }

    @Test("the codes documented are the codes there are")
    func documented() {
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 2, 3, 130, 143])
    }
}
