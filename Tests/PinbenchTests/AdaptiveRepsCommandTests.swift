import Foundation
import PinCLI
import Testing

/// `--reps auto`, `--target-width` and `--max-reps` on run and sweep: parsed, range-checked and
/// refused in one line; the dry run gives the bounds; run says what each strategy took.
@Suite("pinbench run and sweep --reps auto")
struct AdaptiveRepsCommandTests {
    @Test("accepted: auto in any case, a target with or without %, a cap from the fixed rounds up")
    func accepted() {
        for arguments in [["run", "--reps", "auto"], ["run", "--reps", "AUTO", "--target-width", "2.5%", "--max-reps", "6"],
                          ["sweep", "--reps", "auto", "--target-width", "10", "--max-reps", "10"],
                          ["sweep", "--reps", "auto", "--target-width", "0.1%"], ["sweep", "--reps", "auto", "--target-width", "100%"]] {
            #expect(CommandParsingTests.refusal(arguments) == nil, "\(arguments)")
        }
    }

    @Test("refused in one line, naming the option and what would do", arguments: [
        (["run", "--reps", "automatic"], "The value 'automatic' is invalid for '--reps <reps>': not a whole number; give one in 1...100000"),
        (["run", "--reps", "auto", "--target-width", "0"], "The value '0' is invalid for '--target-width <target-width>': out of range 0.1%...100%"),
        (["sweep", "--reps", "auto", "--target-width", "101%"], "The value '101%' is invalid for '--target-width <target-width>': out of range 0.1%...100%"),
        (["sweep", "--reps", "auto", "--target-width", "five"], "The value 'five' is invalid for '--target-width <target-width>': not a percentage; give one in 0.1%...100%"),
        (["sweep", "--reps", "auto", "--target-width", "nan%"], "not a percentage (nan% is not finite)"),
        (["run", "--reps", "auto", "--max-reps", "5"], "The value '5' is invalid for '--max-reps <max-reps>': out of range 6...1000"),
        (["sweep", "--reps", "auto", "--max-reps", "1001"], "out of range 6...1000"),
        (["sweep", "--reps", "auto", "--max-reps", "8"], "--max-reps 8 is below the 10 repetitions --reps auto always runs first: give 10 or more"),
        (["sweep", "--target-width", "5%"], "--target-width is for --reps auto: add --reps auto, or drop --target-width"),
        (["run", "--reps", "6", "--max-reps", "20"], "--max-reps is for --reps auto: add --reps auto, or drop --max-reps"),
        (["sweep", "--resume", "/tmp/x", "--max-reps", "20"], "--resume takes the sweep's options from /tmp/x/sweep.json; drop --max-reps"),
    ])
    func refused(arguments: [String], message: String) throws {
        let refusal = CommandParsingTests.refusal(arguments)
        if arguments.contains("--resume") {
            // Refused when it runs (the set's options are read then), still in one line, exit 2.
            let result = try PinbenchProcess.run(arguments)
            #expect(result.status == 2 && result.stderr.contains(message) && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        } else {
            #expect(refusal?.contains(message) == true && refusal?.contains("\n") == false, "\(refusal ?? "accepted")")
        }
    }

    @Test("the dry run says the round count is adaptive and gives its bounds")
    func dryRun() throws {
        let result = try PinbenchProcess.run(["sweep", "--backends", "populate", "--memory", "anon", "--sizes", "4M", "--threads", "1",
                                              "--strategies", "single,user", "--reps", "auto", "--max-reps", "12", "--target-width", "2%",
                                              "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 cells x 11 to 13 rounds (--reps auto: 10 measured + 1 warm-up, then one round at a time for "
            + "the cells whose 95% CI of the median is wider than 2% of it, up to 12 measured) = 22 to 26 repetitions; 22 to run here, "
            + "then up to 4 more as the intervals decide"), "\(result.stdout)")
    }

    @Test("run --reps auto: a line says each strategy's repetitions and whether it met the target; JSON says the same")
    func run() throws {
        let arguments = ["run", "--backend", "populate", "--memory", "anon", "--size", "4M", "--threads", "1", "--strategy", "single,user",
                         "--reps", "auto", "--max-reps", "7", "--warmup", "0"]
        let result = try PinbenchProcess.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("6 to 7 reps (auto, to a 95% CI within 5%) + 0 warm-up"), "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("--reps auto (95% CIs of the median within 5% of it, at most 7 reps): ") })
        // Each strategy took 6 or 7 repetitions; which, and whether it met 5%, is the machine's to say.
        for strategy in ["single", "user"] {
            #expect(line.contains("\(strategy) 6 reps, met") || line.contains("\(strategy) 7 reps, met")
                || line.contains("\(strategy) 7 reps, target NOT met"), "\(line)")
        }
        let json = try PinbenchProcess.run(arguments + ["--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rounds = try #require(document["rounds"] as? [[String: Any]])
        #expect(rounds.map { $0["variant"] as? String } == ["single", "user"])
        #expect(rounds.allSatisfy { [6, 7].contains($0["repetitions"] as? Int) && ["met", "not-met"].contains($0["status"] as? String) })
        #expect((document["adaptive"] as? [String: Any])?["maxRepetitions"] as? Int == 7)
    }
}
