/// A figure a backend reports beside the engine's timings, declared once by that backend:
/// its name in the record's JSON, its unit, and the heading of its table column. Tables and
/// the JSON read the declaration, never the name.
public struct Metric: Hashable, Sendable, CustomStringConvertible {
    /// How a value is shown.
    public enum Unit: Sendable, Hashable {
        /// A whole number (or one decimal for a median between two).
        case count
        /// A duration in seconds.
        case seconds
        /// A size in bytes.
        case bytes
    }

    /// The key in `backendMetrics.values` (kept as records have always had it).
    public let name: String
    public let unit: Unit
    public let heading: String

    public init(_ name: String, unit: Unit = .count, heading: String) {
        self.name = name
        self.unit = unit
        self.heading = heading
    }

    /// A metric some record carries that no registered backend declares (a record from a
    /// newer or removed backend): shown under its name, as a count.
    public static func undeclared(_ name: String) -> Metric { Metric(name, heading: name) }

    public var description: String { name }
}
