/// A field read back outside its `FieldRange`: which field, what it held, what is allowed.
struct FieldRangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON path of the field: `pinSeconds`, `perThread[2].pinBusySeconds`.
    var field: String
    var value: String
    var allowed: FieldRange

    var description: String { "field \(field) is \(value), outside \(allowed)" }
}
