/// What backs a region: the mapping flavour and therefore its page and folio size.
public enum MemoryKind: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// Anonymous private memory with THP disabled (`MADV_NOHUGEPAGE`): 4 KiB folios.
    case anon
    /// Anonymous private memory with `MADV_HUGEPAGE`: 2 MiB folios where the kernel can.
    case thp
    /// `MAP_HUGETLB | MAP_HUGE_2MB`.
    case hugetlb2m = "hugetlb-2m"
    /// `MAP_HUGETLB | MAP_HUGE_1GB`.
    case hugetlb1g = "hugetlb-1g"
    /// A shared `memfd_create` mapping (shmem, 4 KiB folios).
    case memfd
    /// `memfd_create(MFD_HUGETLB | MFD_HUGE_2MB)`.
    case memfdHugetlb2m = "memfd-hugetlb-2m"
    /// `memfd_create(MFD_HUGETLB | MFD_HUGE_1GB)`.
    case memfdHugetlb1g = "memfd-hugetlb-1g"
    /// An unlinked file on a hugetlbfs mounted with `pagesize=2M`, mapped `MAP_SHARED`
    /// (found and made through libhugetlbfs; see `mapsHugetlbfsFile`).
    case hugetlbfs2m = "hugetlbfs-2m"
    /// An unlinked file on a hugetlbfs mounted with `pagesize=1G`, mapped `MAP_SHARED`.
    case hugetlbfs1g = "hugetlbfs-1g"
    /// 16 KiB anonymous mTHP folios, mapped by PTEs: a `foliosim` layout only (see `isSimulatedOnly`).
    case mthp16k = "mthp-16k"
    /// 64 KiB anonymous mTHP folios, mapped by PTEs: a `foliosim` layout only.
    case mthp64k = "mthp-64k"

    public var description: String { rawValue }

    /// The unit a mapping must be a multiple of (the MMU page size of the mapping).
    public var pageSize: PageSize {
        switch self {
        case .anon, .thp, .memfd, .mthp16k, .mthp64k: return .base
        case .hugetlb2m, .memfdHugetlb2m, .hugetlbfs2m: return .pmd
        case .hugetlb1g, .memfdHugetlb1g, .hugetlbfs1g: return .pud
        }
    }

    /// The folio size the kernel is expected to use: the unit a cut should not split.
    /// For `thp` this is what the kernel tries to give; verification reports what it gave.
    public var folioSize: PageSize {
        switch self {
        case .thp: return .pmd
        case .mthp16k: return PageSize(uncheckedBytes: 16 << 10)
        case .mthp64k: return PageSize(uncheckedBytes: 64 << 10)
        default: return pageSize
        }
    }

    /// Whether only the simulated backend (`foliosim`) can give this kind. A real mTHP size
    /// depends on machine-wide sysfs switches (`hugepages-<size>kB/enabled`) that also change
    /// what `thp` gets, so PinBench does not map it for real.
    public var isSimulatedOnly: Bool { self == .mthp16k || self == .mthp64k }

    /// Whether the memory comes from the hugetlb pool (and not from `MemAvailable`).
    public var isHugetlb: Bool { hugetlbPageSize != nil }

    /// The hugetlb pool page size this kind draws from, if any.
    public var hugetlbPageSize: PageSize? {
        switch self {
        case .hugetlb2m, .memfdHugetlb2m, .hugetlbfs2m: return .pmd
        case .hugetlb1g, .memfdHugetlb1g, .hugetlbfs1g: return .pud
        default: return nil
        }
    }

    /// Whether the mapping is shared (a memfd or a hugetlbfs file), so released pages stay
    /// in the file.
    public var isShared: Bool {
        switch self {
        case .memfd, .memfdHugetlb2m, .memfdHugetlb1g, .hugetlbfs2m, .hugetlbfs1g: return true
        default: return false
        }
    }

    /// Whether the region is a file on a mounted hugetlbfs rather than a memfd or anonymous
    /// memory: mapping it needs a hugetlbfs of `hugetlbPageSize` mounted before PinBench starts.
    public var mapsHugetlbfsFile: Bool { self == .hugetlbfs2m || self == .hugetlbfs1g }

    /// Checks that `size` is a positive whole number of this kind's pages.
    public func validate(size: ByteSize, addressSpace: AddressSpace = .largest) throws(PlanError) {
        guard size.bytes > 0 else { throw .emptyRange }
        try addressSpace.check(size)
        guard size.bytes % pageSize.bytes == 0 else {
            throw .sizeNotPageMultiple(size: size, kind: self)
        }
    }
}
