/// A snapshot of `/proc/vmstat`: the kernel's memory counters, one `name value` line each, in
/// the file's order.
///
/// The counters are system-wide: a delta over a phase includes what every other process did.
public struct VMStat: Sendable, Equatable {
    /// One counter as the file had it.
    public struct Counter: Sendable, Equatable, Codable {
        public var name: String
        public var value: Int

        public init(name: String, value: Int) {
            self.name = name
            self.value = value
        }
    }

    /// Where the kernel publishes the counters.
    public static let path = "/proc/vmstat"

    /// Prefix of the NUMA counters: allocation placement (`numa_hit`, `numa_miss`, ...) and NUMA
    /// balancing's work (`numa_pte_updates`, `numa_hint_faults`, `numa_pages_migrated`, ...).
    public static let numaPrefix = "numa_"

    /// The counters that show NUMA balancing's scanning: page-table entries it made
    /// `PROT_NONE`, the hinting faults those caused on the next access, and the pages it moved.
    public static let numaBalancingCounters = ["numa_pte_updates", "numa_hint_faults", "numa_pages_migrated"]

    /// Every counter, in the file's order, each name once.
    public private(set) var counters: [Counter]

    /// A snapshot of these counters; a repeated name keeps its first value.
    public init(counters: [Counter]) {
        var seen = Set<String>()
        self.counters = counters.filter { seen.insert($0.name).inserted }
    }

    /// Parses `name value` lines. Blank lines and lines that are not a name and one integer
    /// (a missing or non-numeric value, extra fields) are skipped rather than failing the whole
    /// snapshot: one odd line from a newer kernel should not cost every other counter.
    public init(parsing text: String) {
        var counters: [Counter] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, let value = Int(fields[1]) else { continue }
            counters.append(Counter(name: String(fields[0]), value: value))
        }
        self.init(counters: counters)
    }

    /// Reads and parses the file at `path` (`/proc/vmstat` unless a fixture is given).
    public static func read(from path: String = VMStat.path) throws(SystemError) -> VMStat {
        VMStat(parsing: try ProcFile.read(path))
    }

    /// The value of counter `name`, or nil when the snapshot has none of that name.
    public subscript(name: String) -> Int? {
        counters.first { $0.name == name }?.value
    }

    /// The counters whose names start with `prefix`, in the file's order.
    public func filtered(prefix: String) -> VMStat {
        VMStat(counters: counters.filter { $0.name.hasPrefix(prefix) })
    }

    /// The `numa_*` counters only (empty on a kernel built without `CONFIG_NUMA`).
    public var numa: VMStat { filtered(prefix: Self.numaPrefix) }

    /// How much each counter moved from `before` to this snapshot: `self - before`, keyed by
    /// name, in this snapshot's order. A counter missing from either side is left out. A
    /// counter that went down (a gauge such as `nr_free_pages`) gets a negative delta, kept as
    /// it is rather than clamped, so a sum of consecutive deltas is the whole delta.
    public func delta(since before: VMStat) -> VMStatDelta {
        var earlier: [String: Int] = [:]
        for counter in before.counters { earlier[counter.name] = counter.value }
        return VMStatDelta(counters.compactMap { counter in
            // Wrapping: a corrupt fixture's extreme values must not trap.
            earlier[counter.name].map { VMStatDelta.Entry(name: counter.name, delta: counter.value &- $0) }
        })
    }
}
