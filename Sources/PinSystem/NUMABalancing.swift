/// The automatic NUMA balancing mode, `/proc/sys/kernel/numa_balancing` (`kernel.numa_balancing`).
///
/// With the normal mode on, the scheduler periodically walks a task's memory and makes its
/// page-table entries `PROT_NONE`, so the next access takes a hinting fault that tells the
/// kernel which node uses the page; pinned pages get scanned and faulted too, though they can
/// never move. Memory tiering only scans pages on slower tiers.
public enum NUMABalancing: Sendable, Equatable, Codable, CustomStringConvertible {
    /// `0`: nothing scans.
    case off
    /// `1` (`NUMA_BALANCING_NORMAL`): pages are scanned and moved towards the node using them.
    case normal
    /// `2` (`NUMA_BALANCING_MEMORY_TIERING`): only pages on slow (non-top-tier) nodes are
    /// scanned, to promote the hot ones.
    case memoryTiering
    /// `3`: both.
    case normalAndMemoryTiering
    /// A value this version does not know, kept as the kernel wrote it.
    case other(String)
    /// No such file: a kernel without `CONFIG_NUMA_BALANCING`.
    case unavailable

    /// Where the kernel publishes the mode.
    public static let path = "/proc/sys/kernel/numa_balancing"

    /// Interprets the file's text; nil (no file) or empty text is `unavailable`.
    public init(sysctlText text: String?) {
        guard let value = text?.trimmingWhitespace(), !value.isEmpty else {
            self = .unavailable
            return
        }
        switch value {
        case "0": self = .off
        case "1": self = .normal
        case "2": self = .memoryTiering
        case "3": self = .normalAndMemoryTiering
        case "unavailable": self = .unavailable
        default: self = .other(value)
        }
    }

    /// Reads the mode now (from `path` when a fixture is given).
    public static func current(path: String = NUMABalancing.path) -> NUMABalancing {
        NUMABalancing(sysctlText: try? ProcFile.read(path))
    }

    /// The sysctl's value (`0` to `3`) or `unavailable`, as `machine.json` records it.
    public var sysctlValue: String {
        switch self {
        case .off: return "0"
        case .normal: return "1"
        case .memoryTiering: return "2"
        case .normalAndMemoryTiering: return "3"
        case .other(let text): return text
        case .unavailable: return "unavailable"
        }
    }

    /// Whether ordinary (top-tier) memory is scanned and made `PROT_NONE`: modes 1 and 3.
    public var scansAllMemory: Bool { self == .normal || self == .normalAndMemoryTiering }

    /// `1 (normal)`, `0 (off)`, `unavailable`.
    public var description: String {
        switch self {
        case .off: return "0 (off)"
        case .normal: return "1 (normal)"
        case .memoryTiering: return "2 (memory tiering)"
        case .normalAndMemoryTiering: return "3 (normal and memory tiering)"
        case .other(let text): return "\(text) (unknown mode)"
        case .unavailable: return "unavailable"
        }
    }

    /// Encoded as `sysctlValue`, the string `machine.json` has always held.
    public init(from decoder: any Decoder) throws {
        self.init(sysctlText: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(sysctlValue)
    }
}
