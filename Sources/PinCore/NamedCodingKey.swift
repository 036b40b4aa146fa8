/// A coding key whose names are known only at run time (a counter's name, a backend's name), for
/// JSON objects whose keys are data.
public struct NamedCodingKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }

    public init(_ name: String) {
        self.stringValue = name
    }

    public init(stringValue: String) {
        self.stringValue = stringValue
    }

    public init?(intValue: Int) { nil }
}
