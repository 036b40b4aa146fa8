/// A number of bytes, parsed and printed the way users write sizes (`4K`, `2M`,
/// `512MiB`, `1.5T`). Units are binary: `K`, `KB` and `KiB` all mean 1024.
public struct ByteSize: Hashable, Comparable, Sendable {
    public var bytes: Int

    public init(_ bytes: Int) {
        self.bytes = bytes
    }

    public static let kib = ByteSize(1 << 10)
    public static let mib = ByteSize(1 << 20)
    public static let gib = ByteSize(1 << 30)
    public static let tib = ByteSize(1 << 40)

    public static func kib(_ n: Int) -> ByteSize { ByteSize(n << 10) }
    public static func mib(_ n: Int) -> ByteSize { ByteSize(n << 20) }
    public static func gib(_ n: Int) -> ByteSize { ByteSize(n << 30) }
    public static func tib(_ n: Int) -> ByteSize { ByteSize(n << 40) }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }

    /// The size in GiB as a floating-point number, for rates.
    public var gibibytes: Double { Double(bytes) / Double(1 << 30) }
}

// MARK: - Units

extension ByteSize {
    /// Binary units from the largest down; the letter is what `description` prints.
    static let units: [(letter: String, shift: Int)] = [
        ("P", 50), ("T", 40), ("G", 30), ("M", 20), ("K", 10),
    ]
}
