/// Where the simulated backend (`foliosim`) gets its folios from: `--folios`.
public enum FolioLayout: Sendable, Hashable, CustomStringConvertible {
    /// Every folio is the memory kind's folio size (`--memory`): 4 KiB for `anon`, 16 or 64 KiB
    /// for `mthp-16k`/`mthp-64k`, 2 MiB for `thp` and `hugetlb-2m`, 1 GiB for `hugetlb-1g`.
    case memory
    /// A seeded mix of 1 GiB, 2 MiB, 64 KiB, 16 KiB and 4 KiB folios, each aligned to its size,
    /// as a long-running host's THP and mTHP allocations leave them (`mixed:<seed>`).
    case mixed(seed: UInt64)
    /// What the kernel gave a real region of the memory kind, read from `/proc/self/pagemap`
    /// and `/proc/kpageflags` after populating it (root).
    case pagemap

    /// Parses `memory`, `mixed:<seed>` or `pagemap`.
    public init(parsing text: String) throws(PlanError) {
        let lowered = text.lowercased()
        switch lowered {
        case "memory": self = .memory
        case "pagemap": self = .pagemap
        default:
            guard lowered.hasPrefix("mixed:"), let seed = UInt64(lowered.dropFirst("mixed:".count)) else {
                throw .invalidParameter(
                    "unknown folio layout '\(text)': choose memory (the --memory kind's folio size), "
                        + "mixed:<seed> (a seeded mix of 1G, 2M, 64K, 16K and 4K folios) or pagemap (what the kernel gave, root)")
            }
            self = .mixed(seed: seed)
        }
    }

    public var description: String {
        switch self {
        case .memory: return "memory"
        case .mixed(let seed): return "mixed:\(seed)"
        case .pagemap: return "pagemap"
        }
    }

    /// Whether the layout is made up here (and needs no real memory of the range's size).
    public var isSynthetic: Bool { self != .pagemap }
}

extension FolioLayout: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try FolioLayout(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
