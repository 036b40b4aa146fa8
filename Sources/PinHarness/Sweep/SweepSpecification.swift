import PinBackends
import PinContract
import PinCore
import PinSystem

/// What a sweep measures: the cartesian product of its lists, and how. Written to the result
/// set as `sweep.json`, so `pinbench sweep --resume` and `pinbench report` need nothing else.
public struct SweepSpecification: Sendable, Equatable {
    public var backends: [BackendID]
    public var memory: [MemoryKind]
    /// Region sizes in bytes.
    public var sizes: [Int]
    public var threads: [Int]
    public var strategies: [Strategy]
    /// Measured rounds; every runnable cell runs once per round. With `adaptive`, the fixed
    /// rounds every cell gets before any is added.
    public var repetitions: Int
    /// `--reps auto`: rounds added per cell until its interval meets a target, up to a cap; nil
    /// for fixed rounds (and in sets made before it existed, which read as fixed).
    public var adaptive: AdaptiveRounds?
    /// Warm-up rounds, run first, recorded, never counted.
    public var warmups: Int
    /// Seeds each round's shuffled order.
    public var seed: UInt64
    /// Where `user` cuts fall.
    public var cutAlign: CutAlign
    /// padata's `align` and `min_chunk` for `kernel`; `max_threads` is each cell's thread count.
    public var kernelAlign: CutAlign
    public var minChunkBytes: Int
    public var prefault: Bool
    /// Each backend's options, kept in `sweep.json` under the key the backend names
    /// (`populateRead`, `vfio`, `foliosim`, `kmod`); a backend without them gets its defaults.
    public var backendOptions: BackendOptionsList
    /// `--node`, `--bind` and `--topology` for every cell (absent from sets made before them).
    public var numa: NUMAOptions?
    /// `--host-warm` for every cell; absent from sets made before it existed, which were
    /// measured without it (so a resume of one keeps it off).
    public var hostWarm: HostWarm?
    /// Grow hugetlb pools for the sweep and give the pages back at the end (root).
    public var reserveHugepages: Bool
    /// The command line that started the sweep, as typed.
    public var commandLine: String

    public init(
        backends: [BackendID], memory: [MemoryKind], sizes: [ByteSize], threads: [Int],
        strategies: [Strategy] = Strategy.allCases, repetitions: Int = SweepDefaults.repetitions, adaptive: AdaptiveRounds? = nil,
        warmups: Int = 1, seed: UInt64,
        cutAlign: CutAlign = .page, kernelAlign: CutAlign = .pmd, minChunk: ByteSize = .mib(128),
        prefault: Bool = false, backendOptions: [any BackendOptions] = [], numa: NUMAOptions? = nil, hostWarm: HostWarm? = .auto, reserveHugepages: Bool = false,
        commandLine: String
    ) {
        self.backends = backends
        self.memory = memory
        self.sizes = sizes.map(\.bytes)
        self.threads = threads
        self.strategies = strategies
        self.repetitions = repetitions
        self.adaptive = adaptive
        self.warmups = warmups
        self.seed = seed
        self.cutAlign = cutAlign
        self.kernelAlign = kernelAlign
        self.minChunkBytes = minChunk.bytes
        self.prefault = prefault
        // Every backend's options resolved now (its defaults where none were given), so a
        // specification equals itself read back from sweep.json.
        let given = BackendOptionsList(backendOptions)
        self.backendOptions = BackendOptionsList(backends.compactMap { try? given.options(for: $0) })
        self.numa = numa
        self.hostWarm = hostWarm
        self.reserveHugepages = reserveHugepages
        self.commandLine = commandLine
    }

    /// The fixed rounds, warm-ups included; with `adaptive`, the rounds every cell gets before
    /// any is added (`roundLimit` is the most it may get).
    public var rounds: Int { warmups + repetitions }

    /// Every cell, in table order; `single` once per group, at 1 thread.
    public var cells: [SweepCell] {
        var cells: Set<SweepCell> = []
        for backend in backends {
            for memory in memory {
                for size in sizes {
                    for strategy in strategies {
                        for threads in strategy == .single ? [1] : self.threads {
                            cells.insert(SweepCell(backend: backend, memory: memory, size: ByteSize(size),
                                                   strategy: strategy, threads: threads))
                        }
                    }
                }
            }
        }
        return cells.sorted()
    }

    /// The order of `cells` in `round`: shuffled with a seed drawn from the sweep's seed and
    /// the round, so drift on a noisy machine spreads evenly and a resume sees the same order.
    public func order(of cells: [SweepCell], round: Int) -> [SweepCell] {
        var mixer = SplitMix64(seed: seed &+ UInt64(round) &* 0x9E37_79B9_7F4A_7C15)
        return SplitMix64.shuffled(cells, seed: mixer.next())
    }

    /// The largest region each hugetlb page size must hold at once (one region is mapped at a
    /// time), over the cells whose size that page size can make. A simulated foliosim range is
    /// address space only and needs none.
    public func largestHugetlbRegions(in cells: [SweepCell]) -> [(pageSize: Int, bytes: Int)] {
        var largest: [Int: Int] = [:]
        for cell in cells {
            guard let page = cell.memory.hugetlbPageSize, cell.size.bytes % page.bytes == 0 else { continue }
            if (try? options(for: cell.backend))?.regionBacking == .addressSpace { continue }
            largest[page.bytes] = max(largest[page.bytes] ?? 0, cell.size.bytes)
        }
        return largest.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The `pinbench run` configuration of one cell (one strategy, one repetition at a time).
    public func configuration(for cell: SweepCell) throws(HarnessError) -> RunConfiguration {
        let options: any BackendOptions
        do { options = try self.options(for: cell.backend) } catch { throw .invalidInput(error.description) }
        return RunConfiguration(
            backendOptions: options,
            strategies: [cell.strategy], threads: cell.threads, size: cell.size, memory: cell.memory,
            cutAlign: cutAlign,
            kernel: KernelPlanParameters(align: kernelAlign, minChunk: ByteSize(minChunkBytes), maxThreads: cell.threads),
            prefault: prefault, repetitions: repetitions, warmups: warmups, numa: numa ?? NUMAOptions(),
            hostWarm: hostWarm ?? .off)
    }

    /// The options of `backend`: as given, else its defaults; an error for a backend this
    /// pinbench does not have (`validate` refuses a specification naming one).
    public func options(for backend: BackendID) throws(BackendOptionError) -> any BackendOptions {
        try backendOptions.options(for: backend)
    }

    /// An `Experiment` for every cell the machine can run, and the others grouped by their
    /// group and the reason they cannot (one line per group and reason when reported).
    /// `assumedHugepages` counts pages a `--reserve-hugepages` would add as there (dry run).
    public func experiments(for cells: [SweepCell], assumedHugepages: [Int: Int] = [:]) -> (
        runnable: [SweepCell: Experiment], skipped: [(cells: [SweepCell], reason: String)]
    ) {
        var runnable: [SweepCell: Experiment] = [:]
        var skipped: [(cells: [SweepCell], reason: String)] = []
        let machine = MachineTopology.current()
        let host = HostWarm.Machine.current()
        // One backend per backend for the whole sweep (its options are the same in every cell):
        // a real VFIO group or iommufd device can be opened by one container at a time, so a
        // backend per cell would leave every cell after the first "busy".
        var backends: [BackendID: any PinBackend] = [:]
        for cell in cells {
            do {
                let experiment = try Experiment(try configuration(for: cell), machine: machine, host: host,
                                                assumedHugepages: assumedHugepages, sharing: backends[cell.group.backend])
                runnable[cell] = experiment
                backends[cell.group.backend] = experiment.backend
            } catch {
                if let last = skipped.last, last.reason == error.description, last.cells[0].group == cell.group {
                    skipped[skipped.count - 1].cells.append(cell)
                } else {
                    skipped.append(([cell], error.description))
                }
            }
        }
        return (runnable, skipped)
    }

    /// Checks that make the whole sweep pointless, before any cell is looked at.
    public func validate() throws(HarnessError) {
        if backends.isEmpty { throw .invalidInput("no backend to sweep") }
        let catalog = Backends.catalog
        for backend in backends {
            do { _ = try catalog.require(backend) } catch { throw .invalidInput(error.description) }
        }
        if memory.isEmpty { throw .invalidInput("no memory kind to sweep") }
        if sizes.isEmpty { throw .invalidInput("no size to sweep") }
        if threads.isEmpty || threads.contains(where: { $0 < 1 }) { throw .invalidInput("thread counts must be at least 1") }
        if strategies.isEmpty { throw .invalidInput("no strategy to sweep") }
        if repetitions < 1 { throw .invalidInput("--reps must be at least 1") }
        if warmups < 0 { throw .invalidInput("--warmup cannot be negative") }
        // Bounds, so a damaged or hostile sweep.json (read by --resume) is an error, not an
        // overflow or a sweep of billions of cells.
        if repetitions > Self.maxRounds || warmups > Self.maxRounds {
            throw .invalidInput("--reps and --warmup must be at most \(Self.maxRounds)")
        }
        try adaptive?.validate(base: repetitions)
        if threads.count > ThreadCounts.maxCounts || sizes.count > ThreadCounts.maxCounts {
            throw .invalidInput("at most \(ThreadCounts.maxCounts) thread counts and sizes")
        }
        if let large = threads.first(where: { $0 > CutPlanner.maxWorkers }) {
            throw .invalidInput("thread count \(large) is above \(CutPlanner.maxWorkers), the most workers PinBench plans")
        }
        for size in sizes {
            do { try AddressSpace.largest.check(ByteSize(size)) } catch { throw .invalidInput(error.description) }
            if size < 1 { throw .invalidInput("sizes must be larger than zero") }
        }
        if minChunkBytes < 1 || minChunkBytes > AddressSpace.largest.bytes {
            throw .invalidInput("the minimum chunk must be 1 byte to \(AddressSpace.largest)")
        }
    }

    /// The most measured (or warm-up) rounds a sweep may ask for.
    public static let maxRounds = 1_000_000
}
