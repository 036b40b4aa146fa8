/// The name of a backend (`--backend populate`), as written in records and `sweep.json`.
/// Each backend declares its own in its folder (`extension BackendID { static let mlock = ... }`)
/// and registers its options type once; nothing else lists the names.
public struct BackendID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}
