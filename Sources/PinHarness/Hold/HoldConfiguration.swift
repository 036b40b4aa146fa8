import PinBackends
import PinContract
import PinCore

/// What `pinbench hold` keeps: a region of one kind and size pinned by one backend, touched for
/// a while, then (unless told not to) an unpinned region of the same kind and size touched as long.
public struct HoldConfiguration: Sendable {
    /// The backend that pins the held region (`vfio`, `mlock`, `populate` or `touch`).
    public var backendOptions: any BackendOptions
    public var memory: MemoryKind
    public var size: ByteSize
    /// How long each region is touched; fractions allowed (tests hold for a fraction of a second).
    public var seconds: Double
    /// Also touch an unpinned region for comparison.
    public var compareUnpinned: Bool
    /// Time between progress samples (1 s on the command line).
    public var sampleSeconds: Double
    /// The CPUs the toucher thread runs on; nil leaves it to the scheduler. Binding it away
    /// from the node that populated the regions is what makes NUMA balancing migrate them.
    public var toucherCPUs: [Int]?
    /// Where both regions' memory comes from (`--node`, `mbind` before the first touch); first
    /// touch by default. `device` is resolved against the backend's device by `Hold`.
    public var placement: MemoryPlacement

    public init(
        backendOptions: any BackendOptions = VFIOOptions(), memory: MemoryKind = .thp,
        size: ByteSize = .gib(1), seconds: Double = 10, compareUnpinned: Bool = true, sampleSeconds: Double = 1,
        toucherCPUs: [Int]? = nil, placement: MemoryPlacement = .firstTouch
    ) {
        self.toucherCPUs = toucherCPUs
        self.placement = placement
        self.backendOptions = backendOptions
        self.memory = memory
        self.size = size
        self.seconds = seconds
        self.compareUnpinned = compareUnpinned
        self.sampleSeconds = sampleSeconds
    }

    /// The backend as tables name it: `vfio (shim, locked-vm shared, container-lock type1)`, `mlock`.
    public var backendDescription: String { backendOptions.titled }

    /// The backend's name.
    public var backend: BackendID { backendOptions.backend }

    /// The same backend, memory and size as a one-strategy `RunConfiguration`, so the hold is
    /// refused by exactly the preflight checks (and messages) of `pinbench run`.
    var runConfiguration: RunConfiguration {
        RunConfiguration(backendOptions: backendOptions, strategies: [.single], threads: 1,
                         size: size, memory: memory, repetitions: 1, warmups: 0)
    }
}
