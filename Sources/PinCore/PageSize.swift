/// A page or folio size: base (4 KiB), PMD (2 MiB), PUD (1 GiB), or any power-of-two
/// mTHP size in between. Always a power of two of at least 4 KiB.
public struct PageSize: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: Int

    /// Returns nil unless `bytes` is a power of two of at least 4 KiB.
    public init?(bytes: Int) {
        guard bytes >= 4096, bytes & (bytes - 1) == 0 else { return nil }
        self.bytes = bytes
    }

    public static let base = PageSize(uncheckedBytes: 4096)
    public static let pmd = PageSize(uncheckedBytes: 2 << 20)
    public static let pud = PageSize(uncheckedBytes: 1 << 30)

    /// An mTHP size such as 16 KiB or 64 KiB.
    public static func mthp(_ size: ByteSize) -> PageSize? { PageSize(bytes: size.bytes) }

    init(uncheckedBytes: Int) { self.bytes = uncheckedBytes }

    public var size: ByteSize { ByteSize(bytes) }

    /// How many base pages one page of this size covers.
    public var basePages: Int { bytes / PageSize.base.bytes }

    public static func < (lhs: PageSize, rhs: PageSize) -> Bool { lhs.bytes < rhs.bytes }

    /// `base`, `pmd`, `pud`, or the size (`64K`).
    public var description: String {
        switch bytes {
        case PageSize.base.bytes: return "base"
        case PageSize.pmd.bytes: return "pmd"
        case PageSize.pud.bytes: return "pud"
        default: return ByteSize(bytes).description
        }
    }
}

// MARK: - Alignment arithmetic

/// Rounds `value` up to a multiple of `multiple` (any positive multiple, as the kernel's `roundup`).
@inline(__always)
public func roundUp(_ value: Int, toMultipleOf multiple: Int) -> Int {
    precondition(multiple > 0)
    let remainder = value % multiple
    return remainder == 0 ? value : value + (multiple - remainder)
}

/// Rounds `value` down to a multiple of `multiple`.
@inline(__always)
public func roundDown(_ value: Int, toMultipleOf multiple: Int) -> Int {
    precondition(multiple > 0)
    return value - value % multiple
}
