/// A fact a backend states about a whole run ("mapper: shim"), declared once by that backend.
public struct BackendFact: Hashable, Sendable, CustomStringConvertible {
    /// The key in `backendMetrics.notes`.
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }

    /// `RLIMIT_MEMLOCK` as the run saw it, stated by every backend that charges a counter.
    public static let memlock = BackendFact("memlock")
}
