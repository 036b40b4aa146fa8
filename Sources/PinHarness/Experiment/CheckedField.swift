/// One numeric field of `Root` and its range: a row of a type's range table.
struct CheckedField<Root>: Sendable {
    var name: String
    var range: FieldRange
    /// The field's values (none when absent, several for an array's elements, each with its
    /// index suffix).
    let values: @Sendable (Root) -> [(suffix: String, value: Double, text: String)]

    init(_ name: String, _ range: FieldRange, _ path: KeyPath<Root, Int> & Sendable) {
        self.name = name
        self.range = range
        values = { root in let value = root[keyPath: path]; return [("", Double(value), String(value))] }
    }

    init(_ name: String, _ range: FieldRange, _ path: KeyPath<Root, Int?> & Sendable) {
        self.name = name
        self.range = range
        values = { root in root[keyPath: path].map { [("", Double($0), String($0))] } ?? [] }
    }

    init(_ name: String, _ range: FieldRange, _ path: KeyPath<Root, Double> & Sendable) {
        self.name = name
        self.range = range
        values = { root in let value = root[keyPath: path]; return [("", value, "\(value)")] }
    }

    init(_ name: String, _ range: FieldRange, _ path: KeyPath<Root, Double?> & Sendable) {
        self.name = name
        self.range = range
        values = { root in root[keyPath: path].map { [("", $0, "\($0)")] } ?? [] }
    }

    /// Any other shape (dictionaries, arrays): the values with their suffixes.
    init(_ name: String, _ range: FieldRange, values: @escaping @Sendable (Root) -> [(suffix: String, value: Double, text: String)]) {
        self.name = name
        self.range = range
        self.values = values
    }

    /// The first value outside the range, as an error naming `prefix` + the field.
    func check(_ root: Root, prefix: String = "") -> FieldRangeError? {
        for (suffix, value, text) in values(root) where !range.contains(value) {
            return FieldRangeError(field: prefix + name + suffix, value: text, allowed: range)
        }
        return nil
    }
}

extension Array {
    /// Every field of `root` in its range, or the first that is not.
    func check<Root>(_ root: Root, prefix: String = "") throws(FieldRangeError) where Element == CheckedField<Root> {
        for field in self { if let error = field.check(root, prefix: prefix) { throw error } }
    }
}
