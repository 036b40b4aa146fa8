import PinBackends
import PinContract
import PinCore
import PinSystem

/// What `pinbench hold` measured: per region (pinned, then unpinned) how fast one thread could
/// keep touching it and how much NUMA balancing worked meanwhile. One JSON object with `--json`.
public struct HoldResult: Sendable, Codable, Equatable {
    /// One region held and touched for the configured time (or until interrupted).
    public struct Phase: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable {
            /// Pinned (or locked, or only populated) by the chosen backend.
            case pinned
            /// Populated with `MADV_POPULATE_WRITE`: resident, neither pinned nor locked.
            case unpinned
        }

        public var kind: Kind
        /// The table's row name: `pinned by vfio (shim, ...)`, `unpinned`.
        public var label: String
        /// How long the region was touched.
        public var seconds: Double
        /// Base pages written over the phase.
        public var pagesTouched: Int
        /// `pagesTouched` over the region's base pages (a fraction for an unfinished pass).
        public var passes: Double
        /// The median of the samples' nanoseconds per page touched; nil without samples.
        public var medianNanosecondsPerPage: Double?
        /// The `numa_*` counters of `/proc/vmstat` over the whole phase (system-wide).
        public var numa: VMStatDelta
        /// One per sampling interval (normally a second), the last one possibly shorter.
        public var samples: [Sample]
        /// Whether an interrupt ended the phase before its time.
        public var stoppedEarly: Bool
        /// Where a sample of the region's pages was when the phase ended (`move_pages`): what NUMA
        /// balancing moved, or could not move because the pages were pinned. Nil when unsampled.
        public var pageNodes: PageNodeSample?

        public init(kind: Kind, label: String, seconds: Double, pagesTouched: Int, passes: Double,
                    numa: VMStatDelta, samples: [Sample], stoppedEarly: Bool, pageNodes: PageNodeSample? = nil) {
            self.kind = kind
            self.label = label
            self.seconds = seconds
            self.pagesTouched = pagesTouched
            self.passes = passes
            self.medianNanosecondsPerPage = Statistics(samples.filter { $0.pagesTouched > 0 }.map(\.nanosecondsPerPage))?.median
            self.numa = numa
            self.samples = samples
            self.stoppedEarly = stoppedEarly
            self.pageNodes = pageNodes
        }
    }

    /// One sampling interval of a phase.
    public struct Sample: Sendable, Codable, Equatable {
        /// When the interval ended, in seconds since the phase started.
        public var endSeconds: Double
        /// The interval's length.
        public var seconds: Double
        /// Base pages written in the interval.
        public var pagesTouched: Int
        /// `seconds` over `pagesTouched`, in nanoseconds (0 when nothing was touched).
        public var nanosecondsPerPage: Double
        /// Passes over the region completed by the interval's end, counting the unfinished one
        /// as a fraction.
        public var passes: Double
        /// The `numa_*` counters over the interval.
        public var numa: VMStatDelta

        public init(endSeconds: Double, seconds: Double, pagesTouched: Int, passes: Double, numa: VMStatDelta) {
            self.endSeconds = endSeconds
            self.seconds = seconds
            self.pagesTouched = pagesTouched
            self.nanosecondsPerPage = pagesTouched > 0 ? seconds * 1e9 / Double(pagesTouched) : 0
            self.passes = passes
            self.numa = numa
        }
    }

    public var backend: BackendID
    /// `vfio (shim, locked-vm shared, container-lock type1)`, `mlock`.
    public var backendDescription: String
    public var memory: MemoryKind
    public var sizeBytes: Int
    /// The time each region was to be touched.
    public var requestedSeconds: Double
    /// `kernel.numa_balancing` when the hold started (its sysctl value in JSON).
    public var numaBalancing: NUMABalancing
    /// The CPUs the toucher thread was bound to (`--toucher-cpus`); nil when unbound.
    public var toucherCPUs: [Int]?
    /// What `--node` did to both regions ("mbind MPOL_BIND node 2", "none (first touch)").
    public var placement: String?
    /// How long the backend's pin call over the whole region took.
    public var pinSeconds: Double?
    /// The backend's check after pinning; the pinned region is touched only when it passed.
    public var pinnedCheck: Verification?
    /// The backend's check after unpinning.
    public var unpinnedCheck: Verification?
    /// The regions touched, pinned first.
    public var phases: [Phase]
    /// Whether an interrupt cut the hold short.
    public var interrupted: Bool
    /// A failure after measuring began (the phases before it are kept).
    public var error: String?

    public init(configuration: HoldConfiguration, numaBalancing: NUMABalancing) {
        self.backend = configuration.backend
        self.backendDescription = configuration.backendDescription
        self.memory = configuration.memory
        self.sizeBytes = configuration.size.bytes
        self.requestedSeconds = configuration.seconds
        self.numaBalancing = numaBalancing
        self.toucherCPUs = configuration.toucherCPUs
        self.phases = []
        self.interrupted = false
    }

    /// Pinned and released as the backend says, with no failure along the way.
    public var verified: Bool {
        pinnedCheck?.passed == true && unpinnedCheck?.passed == true && error == nil
    }

    /// The phase of `kind`, if it ran.
    public func phase(_ kind: Phase.Kind) -> Phase? { phases.first { $0.kind == kind } }
}
