import PinCore
import PinHarness

// Every numeric option of every command, with its documented range. The ranges are wide enough
// for any machine PinBench measures and narrow enough that no product of them overflows (the
// few products that still could, cells x rounds, are checked where they are made).

extension OptionRange where Value == Int {
    /// Measured repetitions (run, calibrate) or rounds (sweep).
    static let repetitions = integer("--reps", 1...100_000)
    /// Warm-up repetitions or rounds.
    static let warmups = integer("--warmup", 0...100_000)
    /// `--reps auto`'s cap on measured repetitions: deciding replays a cell's rounds, so a
    /// thousand at most (`AdaptiveRounds.maxRepetitionsLimit`).
    static let maxRepetitions = integer("--max-reps", AdaptiveRounds.minimumBase...AdaptiveRounds.maxRepetitionsLimit)
    /// Thread counts: at most the workers a plan may have.
    static let threads = integer("--threads", 1...CutPlanner.maxWorkers)
    /// padata's max_threads.
    static let maxThreads = integer("--max-threads", 1...CutPlanner.maxWorkers)
    /// A NUMA node number (`--node N`): Linux has at most 1024 nodes (NODES_SHIFT 10).
    static let node = integer("--node", 0...1023)
    /// vfio-rules' shim dma_entry_limit: type1's parameter is an unsigned int.
    static let entryLimit = integer("--entry-limit", 1...Int(UInt32.max))

    /// A whole number: decimal digits, an optional sign. A number too long for any machine word
    /// is out of range, not "not a number".
    static func integer(_ name: String, _ range: ClosedRange<Int>) -> Self {
        OptionRange(name: name, range: range, kind: "a whole number", read: { text in
            if let value = Int(text) { return .success(value) }
            return wholeNumberRefusal(text)
        }, show: { String($0) })
    }
}

extension OptionRange where Value == UInt64 {
    /// The sweep's shuffle seed: any 64-bit number.
    static let seed = OptionRange(name: "--seed", range: 0...UInt64.max, kind: "a whole number", read: { text in
        if let value = UInt64(text) { return .success(value) }
        return wholeNumberRefusal(text)
    }, show: { String($0) })
}

extension OptionRange where Value == Double {
    /// hold's time per region: from a hundredth of a second to a day (its nanoseconds fit UInt64).
    static let holdSeconds = OptionRange(name: "--seconds", range: 0.01...86_400, kind: "a number of seconds", read: { text in
        guard let value = Double(text) else { return .failure(.invalid(nil)) }
        guard value.isFinite else { return .failure(.invalid("\(text) is not finite")) }
        return .success(value)
    }, show: { $0 == $0.rounded() ? String(Int($0)) : String($0) })
}

extension OptionRange where Value == Double {
    /// `--reps auto`'s target, in percent of the median: `5%` or `5` (`AdaptiveRounds.targetRange`).
    static let targetWidth = OptionRange(
        name: "--target-width", range: AdaptiveRounds.targetRange.lowerBound * 100...AdaptiveRounds.targetRange.upperBound * 100,
        kind: "a percentage", read: { text in
            let number = text.hasSuffix("%") ? String(text.dropLast()).trimmingWhitespace() : text
            guard let value = Double(number) else { return .failure(.invalid(nil)) }
            guard value.isFinite else { return .failure(.invalid("\(text) is not finite")) }
            return .success(value)
        }, show: { ($0 == $0.rounded() ? String(Int($0)) : String($0)) + "%" })
}

extension OptionRange where Value == ByteSize {
    /// A region's size.
    static let size = byteSize("--size")
    /// One item of sweep's `--sizes`.
    static let sizes = byteSize("--sizes")
    /// padata's min_chunk.
    static let minChunk = byteSize("--min-chunk")

    /// A size from 1 byte to the largest address space (2^56 bytes); what a kind or the machine
    /// allows (page multiples, 2^47 with 4-level tables) is checked by the run itself.
    static func byteSize(_ name: String) -> Self {
        OptionRange(name: name, range: ByteSize(1)...ByteSize(AddressSpace.largest.bytes), kind: "a size", read: { text in
            do throws(ByteSizeError) { return .success(try ByteSize(parsing: text)) } catch {
                switch error {
                case .negative: return .failure(.outOfRange("a size cannot be negative"))
                case .tooLarge: return .failure(.outOfRange(nil))
                default: return .failure(.invalid(error.description))
                }
            }
        }, show: { $0.description })
    }
}

/// Why a text that is no machine integer was refused: all digits (a number too large) is out of
/// range; anything else is not a whole number (1e3, 2.5, 0x10, nan).
private func wholeNumberRefusal<Value>(_ text: String) -> Result<Value, OptionRange<Value>.Refusal> {
    let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
    if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return .failure(.outOfRange(nil)) }
    return .failure(.invalid(nil))
}
