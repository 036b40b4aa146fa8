/// How many folios of each order a range holds (order `o` = `4 KiB << o`).
public struct FolioCensus: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Folios per order.
    public private(set) var counts: [Int: Int] = [:]

    public init() {}

    public mutating func add(order: Int, count: Int = 1) {
        counts[order, default: 0] += count
    }

    /// All folios.
    public var folios: Int { counts.values.reduce(0, +) }

    /// The base pages they cover.
    public var basePages: Int { counts.reduce(0) { $0 + ($1.value << $1.key) } }

    /// Folios of `order`.
    public func count(order: Int) -> Int { counts[order] ?? 0 }

    /// Largest first: "2 x 1G, 510 x 2M, 3 x 64K, 7 x 4K".
    public var description: String {
        guard !counts.isEmpty else { return "no folios" }
        return counts.keys.sorted(by: >).map { "\(counts[$0]!) x \(ByteSize(PageSize.base.bytes << $0))" }
            .joined(separator: ", ")
    }
}
