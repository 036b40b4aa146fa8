/// The three ways of splitting a job across threads that PinBench compares.
public enum Strategy: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// The calling thread does the whole range.
    case single
    /// QEMU `qemu_prealloc_mem` style: N threads, one static contiguous slice each.
    case user
    /// padata `padata_do_multithreaded` style: caller plus pooled helpers take aligned
    /// chunks from a shared cursor.
    case kernel

    public var description: String { rawValue }
}

/// Where cuts between `user` slices may fall.
public enum CutAlign: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// The backing's MMU page size: 4 KiB for anon, THP and memfd, the huge page size for
    /// hugetlb. QEMU's behaviour, and the default for `user`.
    case page
    case base, pmd, pud
    /// The backing's folio size (PMD for THP and 2 MiB hugetlb, PUD for 1 GiB hugetlb).
    case folio

    public var description: String { rawValue }

    /// The alignment in bytes for memory of `kind`.
    public func resolve(for kind: MemoryKind) -> PageSize {
        switch self {
        case .page: return kind.pageSize
        case .base: return .base
        case .pmd: return .pmd
        case .pud: return .pud
        case .folio: return kind.folioSize
        }
    }
}
