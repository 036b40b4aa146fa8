import PinCLI
import Testing

/// Issue 24: every numeric option refused outside its documented range, before any arithmetic,
/// naming the option, the value and the range; never a crash.
@Suite("Numeric options at their extremes")
struct OptionRangeCommandTests {
    @Test("values the parser once accepted and that then crashed (SIGILL, exit 132) are refused, exit 2", arguments: [
        (["run", "--size", "4K", "--reps", "9223372036854775807"], "'9223372036854775807' is invalid for '--reps <reps>': out of range 1...100000"),
        (["calibrate", "--size", "4K", "--reps", "9223372036854775807"], "'9223372036854775807' is invalid for '--reps <reps>': out of range 1...100000"),
        (["hold", "--backend", "mlock", "--size", "4K", "--seconds", "2e10"], "'2e10' is invalid for '--seconds <seconds>': out of range 0.01...86400"),
    ])
    func formerCrashes(arguments: [String], message: String) throws {
        let result = try PinbenchProcess.run(arguments)
        #expect(!result.terminatedBySignal)
        #expect(result.status == 2, "status \(result.status), stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test("a negative size reaches the size parser, which refuses it (it was \"Missing value for '--size'\")")
    func negativeSize() throws {
        let result = try PinbenchProcess.run(["run", "--size", "-1G"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("'-1G' is invalid for '--size <size>': out of range 1...64P: a size cannot be negative"), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"))
    }

    /// Every numeric option of every command, with the extremes a fuzzer would try.
    static let options: [(command: [String], option: String)] = [
        (["run"], "--size"), (["run"], "--reps"), (["run"], "--warmup"), (["run"], "--threads"), (["run"], "--min-chunk"),
        (["run"], "--max-threads"), (["run"], "--node"),
        (["plan", "--size", "1G"], "--threads"), (["plan", "--size", "1G"], "--max-threads"), (["plan"], "--size"),
        (["plan", "--size", "1G"], "--min-chunk"), (["plan", "--size", "1G"], "--node"),
        (["sweep"], "--reps"), (["sweep"], "--warmup"), (["sweep"], "--seed"), (["sweep"], "--min-chunk"), (["sweep"], "--sizes"),
        (["sweep"], "--threads"), (["sweep"], "--node"),
        (["run", "--reps", "auto"], "--target-width"), (["run", "--reps", "auto"], "--max-reps"),
        (["sweep", "--reps", "auto"], "--target-width"), (["sweep", "--reps", "auto"], "--max-reps"), (["sweep"], "--reps"),
        (["calibrate"], "--size"), (["calibrate"], "--reps"), (["calibrate"], "--warmup"),
        (["hold"], "--size"), (["hold"], "--seconds"),
        (["forecast", "/tmp"], "--size"), (["forecast", "/tmp", "--size", "1T"], "--threads"),
        (["vfio-rules"], "--entry-limit"),
        (["run", "--backend", "kmod"], "--gup-batch"), (["run", "--backend", "vfio"], "--locked-vm"),
        (["run", "--backend", "kmod", "--map-device", "00:04.0"], "--iova-base"), (["run", "--backend", "kmod"], "--map-device"),
    ]

    static let extremes = ["99999999999999999999999", "-1", "-0", "nan", "inf", "-inf", "1e308", "0x10", "18446744073709551616",
                           "-9223372036854775808", "9223372036854775807", "", "1.5", "64P1", "cached:-1", "cached:9223372036854775807"]

    @Test("every numeric option at every extreme: refused as bad input (exit 2) or accepted, never a crash, in process",
          arguments: options)
    func extremes(command: [String], option: String) {
        for value in Self.extremes {
            let arguments = command + [option, value]
            do {
                _ = try PinBenchCommand.parseAsRoot(arguments)
            } catch {
                #expect(PinBenchCommand.parseStatus(for: error) == .badInput, "\(arguments)")
                let message = PinBenchCommand.message(for: error)
                #expect(!message.isEmpty && !message.contains("\n"), "\(arguments): \(message)")
            }
        }
    }

    @Test("out-of-range values name the option, the value and the range", arguments: [
        (["run", "--warmup", "100001"], "The value '100001' is invalid for '--warmup <warmup>': out of range 0...100000"),
        (["run", "--max-threads", "0"], "The value '0' is invalid for '--max-threads <max-threads>': out of range 1...1048576"),
        (["run", "--min-chunk", "0"], "The value '0' is invalid for '--min-chunk <min-chunk>': out of range 1...64P"),
        (["run", "--node", "1024"], "The value '1024' is invalid for '--node <node>': out of range 0...1023"),
        (["sweep", "--seed", "-1"], "The value '-1' is invalid for '--seed <seed>': out of range 0...18446744073709551615"),
        (["sweep", "--sizes", "1G,-2G"], "--sizes -2G is out of range 1...64P: a size cannot be negative"),
        (["vfio-rules", "--entry-limit", "4294967296"], "The value '4294967296' is invalid for '--entry-limit <entry-limit>': out of range 1...4294967295"),
        (["run", "--reps", "0x10"], "The value '0x10' is invalid for '--reps <reps>': not a whole number; give one in 1...100000"),
        (["hold", "--seconds", "inf"], "The value 'inf' is invalid for '--seconds <seconds>': not a number of seconds (inf is not finite); give one in 0.01...86400"),
    ])
    func messages(arguments: [String], message: String) {
        #expect(CommandParsingTests.refusal(arguments) == message)
    }

    @Test("a sweep whose cells x rounds would pass the bound is refused before anything is made")
    func sweepProduct() {
        // 200000 rounds x 3 backends x 3 kinds x 3 sizes x 3 strategies x 7 thread counts: 113 million.
        let product = CommandParsingTests.refusal(["sweep", "--reps", "100000", "--warmup", "100000", "--threads", "1..64",
                                                   "--backends", "populate,mlock,touch", "--sizes", "4K,8K,16K", "--memory", "anon,thp,memfd"])
        #expect(product?.contains("more than 100000000 repetitions") == true, "\(product ?? "accepted")")
    }
}
