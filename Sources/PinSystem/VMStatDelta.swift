import PinCore

/// How much `/proc/vmstat` counters moved between two snapshots (`VMStat.delta(since:)`), to be
/// kept in a result record.
///
/// In memory the entries keep the file's order. In JSON the delta is one object of
/// `"name": delta` members (an encoder with `.sortedKeys` sorts them), and decoding puts the
/// entries in name order, so equality ignores order: two deltas are equal when they hold the
/// same counters with the same deltas.
public struct VMStatDelta: Sendable, Codable, Equatable {
    /// One counter's change; negative when it went down.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var delta: Int

        public init(name: String, delta: Int) {
            self.name = name
            self.delta = delta
        }
    }

    /// The changes, each name once, in the order of the snapshot they were taken from.
    public private(set) var entries: [Entry]

    /// A delta of these entries; a repeated name keeps its first delta.
    public init(_ entries: [Entry] = []) {
        var seen = Set<String>()
        self.entries = entries.filter { seen.insert($0.name).inserted }
    }

    /// The delta of counter `name`, or nil when it was not in both snapshots.
    public subscript(name: String) -> Int? {
        entries.first { $0.name == name }?.delta
    }

    /// The counter names, in order.
    public var names: [String] { entries.map(\.name) }

    public var isEmpty: Bool { entries.isEmpty }

    public static func == (lhs: VMStatDelta, rhs: VMStatDelta) -> Bool {
        lhs.entries.count == rhs.entries.count && lhs.entries.allSatisfy { rhs[$0.name] == $0.delta }
    }
}

// MARK: - Codable as one JSON object

extension VMStatDelta {
    // The counter names are the keys: not known in advance.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: NamedCodingKey.self)
        // A keyed container's order is unspecified: name order makes decoding deterministic.
        let keys = container.allKeys.sorted { $0.stringValue < $1.stringValue }
        self.init(try keys.map { Entry(name: $0.stringValue, delta: try container.decode(Int.self, forKey: $0)) })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NamedCodingKey.self)
        for entry in entries {
            try container.encode(entry.delta, forKey: NamedCodingKey(stringValue: entry.name))
        }
    }
}
