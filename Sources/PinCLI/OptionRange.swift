import ArgumentParser
import PinCore

/// A numeric option's documented range: the one place that reads its text, refuses what lies
/// outside (naming the option, the value and the range) and says the range in the help. Every
/// command's numeric options are declared in `OptionRange+Options.swift`, so a new option gets
/// the same rule by being declared there.
///
/// Options are read with `parsing: .unconditional`, so `--size -1G` and `--reps -1` reach the
/// reader (argument-parser would otherwise take `-1G` for an option and say the value is missing).
struct OptionRange<Value: Comparable & Sendable>: Sendable {
    /// The option as typed: `--reps`.
    let name: String
    let range: ClosedRange<Value>
    /// What a value is, for a refusal: "a whole number", "a size".
    let kind: String
    /// Text to value; a reason when the text is not of the kind (ranges are checked after).
    let read: @Sendable (String) -> Result<Value, Refusal>
    /// How a bound prints: `64P`, `100000`.
    let show: @Sendable (Value) -> String

    /// Why a text was refused: outside the range (a number that fits no machine type is that
    /// too), or not of the kind at all.
    enum Refusal: Error, Sendable {
        case outOfRange(String?)
        case invalid(String?)
    }

    /// `1...100000`
    var rangeText: String { "\(show(range.lowerBound))...\(show(range.upperBound))" }

    /// The value of `text`, or why not.
    func value(_ text: String) -> Result<Value, Refusal> {
        switch read(text.trimmingWhitespace()) {
        case .success(let value): return range.contains(value) ? .success(value) : .failure(.outOfRange(nil))
        case .failure(let refusal): return .failure(refusal)
        }
    }

    /// Reads and checks a value: the transform of the option's `@Option`. argument-parser puts
    /// "The value '...' is invalid for '--reps <reps>': " before the reason, so it is only the reason.
    func parse(_ text: String) throws -> Value {
        switch value(text) {
        case .success(let value): return value
        case .failure(let refusal): throw OptionRangeError(message: reason(refusal))
        }
    }

    /// Reads and checks a value outside argument-parser (an item of a list): the whole line.
    func parseItem(_ text: String) throws -> Value {
        switch value(text) {
        case .success(let value): return value
        case .failure(let refusal): throw OptionRangeError(message: message(text, refusal))
        }
    }

    /// Checks a value a transform read some other way (`--node 3`): only the reason, as `parse`.
    func checkInTransform(_ value: Value) throws {
        guard range.contains(value) else { throw OptionRangeError(message: reason(.outOfRange(nil))) }
    }

    /// "out of range 1...100000", "not a whole number; give one in 1...100000"
    func reason(_ refusal: Refusal) -> String {
        switch refusal {
        case .outOfRange(let why): return "out of range \(rangeText)" + (why.map { ": \($0)" } ?? "")
        case .invalid(let why): return "not \(kind)" + (why.map { " (\($0))" } ?? "") + "; give one in \(rangeText)"
        }
    }

    /// `--reps 9223372036854775807 is out of range 1...100000`
    func message(_ text: String, _ refusal: Refusal) -> String {
        let shown = text.trimmingWhitespace()
        switch refusal {
        case .outOfRange: return "\(name) \(shown) is \(reason(refusal))"
        case .invalid: return "\(name) '\(shown)' is \(reason(refusal))"
        }
    }

    /// The option's help: its text, the range, and the default once (argument-parser prints
    /// none for an option read by a transform).
    func help(_ text: String, default value: String? = nil, discussion: String = "") -> ArgumentHelp {
        ArgumentHelp(text + " Range \(rangeText)" + (value.map { " (default: \($0))." } ?? "."), discussion: discussion)
    }
}

/// A refusal by an `OptionRange`: its description is the whole line (argument-parser shows it
/// after "The value ... is invalid for ...", and `ErrorLine` as it is).
struct OptionRangeError: Error, CustomStringConvertible, Sendable {
    let message: String
    var description: String { message }
}
