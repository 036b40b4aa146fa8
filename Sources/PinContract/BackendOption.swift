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
    }

    /// The long name with its dashes: `--gup`.
    public let name: String
    /// False for a flag, which takes no value.
    public let takesValue: Bool

    public init(_ name: String, takesValue: Bool = true) {
        self.name = name
        self.takesValue = takesValue
    }

    public var description: String { name }
}
