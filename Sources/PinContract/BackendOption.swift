/// A command-line option that shapes backends (`--vfio`, `--gup`, `--populate-read`),
/// declared by the backends that take it. The CLI hands what was typed to the backends as
/// `BackendArguments`; each backend parses the values it owns.
public struct BackendOption: Hashable, Sendable, CustomStringConvertible {
    /// What a backend takes of an option.
    public enum Values: Sendable, Equatable {
        /// Any value (the backend parses and checks it), or the flag's presence.
        case any
        /// Only these values; another backend may take others of the same option.
        case only([String])

        /// Whether `value` is one of these.
        public func admits(_ value: String) -> Bool {
            switch self {
            case .any: true
            case .only(let values): values.contains(value)
            }
        }
    }

    /// The long name with its dashes: `--gup`.
    public let name: String
    /// False for a flag, which takes no value.
    public let takesValue: Bool
    /// What a value is called in a refusal: "gup mode" ("unknown gup mode 'x': choose one of ...").
    public let valueName: String

    public init(_ name: String, takesValue: Bool = true, valueName: String? = nil) {
        self.name = name
        self.takesValue = takesValue
        self.valueName = valueName ?? "\(name) value"
    }

    public var description: String { name }

    /// The value `text` (any case) as one of `T`'s choices, or the refusal listing them all.
    public func choice<T: RawRepresentable & CaseIterable>(_ text: String, as type: T.Type = T.self) throws(BackendOptionError) -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text.lowercased()) else { throw unknown(text, choices: T.allCases.map(\.rawValue)) }
        return value
    }

    /// "unknown gup mode 'x': choose one of per-page, folio".
    public func unknown(_ text: String, choices: [String]) -> BackendOptionError {
        BackendOptionError("unknown \(valueName) '\(text)': choose one of \(choices.joined(separator: ", "))")
    }
}
