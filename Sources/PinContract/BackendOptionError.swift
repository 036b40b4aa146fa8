/// A backend option that cannot be used as given: one line that says what would work.
public struct BackendOptionError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
