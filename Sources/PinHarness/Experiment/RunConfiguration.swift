import PinBackends
import PinContract
import PinCore

/// Everything `pinbench run` measures: one backend, one memory kind and size, and the
/// strategies to compare, each repetition on a fresh region.
public struct RunConfiguration: Sendable {
    /// The backend and its options, one value: only options that mean something to it.
    public var backendOptions: any BackendOptions
    /// Run in this order within each repetition (interleaved).
    public var strategies: [Strategy]
    public var threads: Int
    public var size: ByteSize
    public var memory: MemoryKind
    /// Where `user` cuts fall.
    public var cutAlign: CutAlign
    /// padata's knobs for `kernel`; `maxThreads` is capped by `threads`.
    public var kernel: KernelPlanParameters
    /// Populate the region (untimed) before the pin phase, so only pinning is timed.
    public var prefault: Bool
    /// Measured repetitions per strategy; with `adaptive`, the fixed ones before any is added.
    public var repetitions: Int
    /// `--reps auto`: repetitions added to each strategy until its intervals meet a target.
    public var adaptive: AdaptiveRounds?
    public var warmups: Int
    /// Also run the plain C loop of the same syscalls (single and user), for the overhead ratio.
    public var baseline: Bool
    /// Where memory and threads go (`--node`, `--bind`, `--topology`).
    public var numa: NUMAOptions
    /// Whether each repetition's memory is touched untimed first, in a VM (`--host-warm`).
    public var hostWarm: HostWarm

    public init(
        backendOptions: any BackendOptions = PopulateOptions(),
        strategies: [Strategy] = Strategy.allCases, threads: Int, size: ByteSize, memory: MemoryKind = .thp,
        cutAlign: CutAlign = .page, kernel: KernelPlanParameters = KernelPlanParameters(),
        prefault: Bool = false, repetitions: Int = 5, adaptive: AdaptiveRounds? = nil, warmups: Int = 1, baseline: Bool = false,
        numa: NUMAOptions = NUMAOptions(), hostWarm: HostWarm = .auto
    ) {
        self.backendOptions = backendOptions
        self.strategies = strategies
        self.threads = threads
        self.size = size
        self.memory = memory
        self.cutAlign = cutAlign
        self.kernel = kernel
        self.prefault = prefault
        self.repetitions = repetitions
        self.adaptive = adaptive
        self.warmups = warmups
        self.baseline = baseline
        self.numa = numa
        self.hostWarm = hostWarm
    }

    /// The backend's name.
    public var backend: BackendID { backendOptions.backend }
}
