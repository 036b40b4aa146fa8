import PinBackends
import PinContract
import PinCore
import PinEngine
import PinSystem

/// Runs a `RunConfiguration`: plans once, starts the kernel strategy's pool once, then for
/// each repetition runs every strategy in turn (interleaved) on a fresh region.
public final class Experiment {
    /// What the caller hears while the experiment runs.
    public enum Event: Sendable {
        case poolStarted(helpers: Int, seconds: Double)
        /// A repetition finished: its record, and how many of all repetitions are done (the
        /// total grows as `--reps auto` adds rounds).
        case finished(RunRecord, done: Int, total: Int)
        /// `--reps auto` gave these rows another measured repetition, number `rep` (from 0), for
        /// their judgement over the repetitions before it.
        case roundAdded(rep: Int, variants: [(variant: RunRecord.Variant, judgement: AdaptiveRounds.Judgement)], total: Int)
    }

    public let configuration: RunConfiguration
    public let plans: [Strategy: CutPlan]
    /// Where memory and threads go, resolved once.
    public let numa: NUMASetup
    /// The machine's own topology, to name the node of a CPU a thread ran on.
    let machineTopology: NUMATopology
    let backend: any PinBackend
    /// Whether each repetition's memory is touched untimed first (`HostWarm`, resolved).
    public let warmsHost: Bool

    /// Validates the configuration and checks the machine can run it, before any memory is used.
    /// `machine` is the topology to place and bind on (a sweep reads it once for all its cells).
    /// `host` is what `--host-warm auto` decides from.
    /// `assumedHugepages`: hugetlb pages (by page size) a sweep's `--reserve-hugepages` would
    /// reserve, counted as there for a dry run's checks.
    /// `sharing`: a backend made for an earlier experiment of the same backend and options, to
    /// use instead of making one (a real VFIO group or iommufd device opens once per process).
    public init(_ configuration: RunConfiguration, machine: MachineTopology = .current(),
                host: HostWarm.Machine = .current(), assumedHugepages: [Int: Int] = [:],
                sharing shared: (any PinBackend)? = nil) throws(HarnessError) {
        guard configuration.threads >= 1 else { throw .invalidInput("--threads must be at least 1") }
        guard configuration.repetitions >= 1 else { throw .invalidInput("--reps must be at least 1") }
        guard configuration.warmups >= 0 else { throw .invalidInput("--warmup cannot be negative") }
        try configuration.adaptive?.validate(base: configuration.repetitions)
        // The CLI's ranges keep these small; a library caller's must still count without overflow.
        let (rounds, roundsOverflow) = max(configuration.repetitions, configuration.adaptive?.maxRepetitions ?? 0)
            .addingReportingOverflow(configuration.warmups)
        guard !roundsOverflow, !rounds.multipliedReportingOverflow(by: 2 * max(1, configuration.strategies.count)).overflow else {
            throw .invalidInput("--reps \(configuration.repetitions) and --warmup \(configuration.warmups) are more repetitions than can be counted")
        }
        guard !configuration.strategies.isEmpty else { throw .invalidInput("no strategy to run") }
        self.configuration = configuration
        // Before any arithmetic on the size: a range must fit this machine's address space.
        do { try AddressSpace.current().check(configuration.size) } catch { throw .invalidInput(error.description) }
        var plans: [Strategy: CutPlan] = [:]
        for strategy in configuration.strategies {
            do {
                plans[strategy] = try CutPlanner.plan(
                    strategy: strategy, size: configuration.size, memory: configuration.memory,
                    threads: configuration.threads, cutAlign: configuration.cutAlign, kernel: configuration.kernel)
            } catch {
                throw .invalidInput(error.description)
            }
        }
        self.plans = plans
        // user threads are made per job and the kernel strategy's helpers once: all are real threads.
        let userThreads = plans.values.map { $0.workers }.max() ?? 1
        let limit = ThreadLimit.current()
        guard userThreads <= limit.threads else {
            throw .invalidInput("\(userThreads) workers need as many threads, and this process may start at most "
                                + "\(limit.threads) (\(limit)): use fewer --threads")
        }
        if configuration.baseline && configuration.numa.bind != .none {
            throw .invalidInput("--baseline's C twin runs its threads unbound, so it cannot be compared with --bind "
                                + "\(configuration.numa.bind): drop one of them")
        }
        if configuration.baseline && configuration.backendOptions.cTwin == nil {
            throw .invalidInput("--baseline has no C twin for the \(configuration.backend) backend yet")
        }
        if let refusal = configuration.backendOptions.refusal(prefault: configuration.prefault, strategies: configuration.strategies) {
            throw .invalidInput(refusal)
        }
        if let refusal = configuration.backendOptions.refusal(memory: configuration.memory) {
            throw .invalidInput(refusal)
        }
        machineTopology = machine.topology
        numa = try NUMASetup(configuration.numa, machine: machine, devices: configuration.backendOptions.dmaDevices)
        let backend: any PinBackend
        if let shared {
            backend = shared
        } else {
            do {
                backend = try configuration.backendOptions.makeBackend()
            } catch {
                throw .unavailable(error.description)
            }
        }
        try Self.preflight(configuration, backend: backend, assumedHugepages: assumedHugepages)
        if backend.regionBacking == .addressSpace && configuration.numa.placement != .firstTouch {
            throw .invalidInput(
                "--node \(configuration.numa.placement) places real memory, and this foliosim range is address space "
                    + "only: drop --node, or use --folios pagemap to pin a real region")
        }
        self.backend = backend
        // An address-space-only range (foliosim) gets no memory to warm.
        warmsHost = try configuration.hostWarm.resolve(on: host) && backend.regionBacking == .memory
        if let kernelPlan = plans[.kernel], let inKernel = backend as? any InKernelSplitBackend {
            do { try inKernel.checkPlan(kernelPlan) } catch { throw .invalidInput(error.description) }
        }
    }

    /// The checks that turn a doomed run into a clear message: memory, hugepages, memlock.
    static func preflight(_ configuration: RunConfiguration, backend: any PinBackend,
                          assumedHugepages: [Int: Int] = [:]) throws(HarnessError) {
        if backend.regionBacking == .memory {
            do {
                try Region.checkCapacity(kind: configuration.memory, size: configuration.size, assumedHugepages: assumedHugepages)
            } catch {
                throw HarnessError(error)
            }
        }
        do {
            try backend.checkCapacity(kind: configuration.memory, size: configuration.size)
        } catch {
            throw .unavailable(error.description)
        }
        if let refusal = memlockRefusal(size: configuration.size, charges: configuration.backendOptions.charges,
                                        status: try? ProcStatus.current(), limit: MemlockLimit.current()) {
            throw .unavailable(refusal)
        }
    }

    /// Why `RLIMIT_MEMLOCK` cannot take `size` more bytes on the counter the backend charges
    /// (`locked_vm` or `pinned_vm`, each checked against the limit on its own, as the kernel
    /// does), or nil when it can or nothing is charged.
    static func memlockRefusal(size: ByteSize, charges: ChargedCounter, status: ProcStatus?, limit: MemlockLimit) -> String? {
        guard let field = charges.statusField else { return nil }
        let already = status?[keyPath: field] ?? 0
        return limit.allows(size.bytes, alreadyLocked: already) ? nil : limit.refusal(for: size.bytes)
    }

    /// Userspace helpers the kernel strategy needs: none when the backend's own workers run
    /// in the kernel (the module's kworkers).
    var poolHelpers: Int {
        guard let kernelPlan = plans[.kernel], !(backend is any InKernelSplitBackend) else { return 0 }
        return kernelPlan.workers - 1
    }

    /// Total repetitions including warm-ups, over every row of the table; with `--reps auto`
    /// the fixed ones (`run` reports the total as rounds are added).
    public var totalRuns: Int {
        (configuration.repetitions + configuration.warmups) * variants.count
    }

    /// The most repetitions of a row, warm-ups included.
    var roundLimit: Int { configuration.warmups + (configuration.adaptive?.maxRepetitions ?? configuration.repetitions) }

    /// The rows in run order: each strategy, with its C twin beside it under `--baseline`.
    var variants: [(strategy: Strategy, baseline: Bool)] { variants(forRound: 0) }

    /// The order of one round. A twin pair swaps places every other round, so neither side
    /// always gets the memory the other just freed (first-touch effects in VMs are large).
    func variants(forRound round: Int) -> [(strategy: Strategy, baseline: Bool)] {
        configuration.strategies.flatMap { strategy -> [(Strategy, Bool)] in
            guard configuration.baseline && strategy != .kernel else { return [(strategy, false)] }
            return round % 2 == 0 ? [(strategy, false), (strategy, true)] : [(strategy, true), (strategy, false)]
        }
    }

    /// Runs everything; stops early (returning what was finished) when `InterruptFlag` is raised.
    public func run(onEvent: (Event) -> Void = { _ in }) throws(HarnessError) -> [RunRecord] {
        var pool: HelperPool?
        if poolHelpers > 0 {
            do { pool = try HelperPool(helpers: poolHelpers, cpus: helperCPUs) } catch { throw .failed(error.description) }
            onEvent(.poolStarted(helpers: poolHelpers, seconds: pool!.startSeconds))
        }
        defer { pool?.shutdown() }

        var records: [RunRecord] = []
        var total = totalRuns
        for round in 0..<roundLimit {
            let warmup = round < configuration.warmups
            let rep = warmup ? round : round - configuration.warmups
            var variants = variants(forRound: round)
            if let adaptive = configuration.adaptive, rep >= configuration.repetitions {
                // --reps auto: another repetition for the rows still wider than the target, in
                // the round's usual order; none left, and the run is done.
                let wide = variants.compactMap { variant -> (variant: RunRecord.Variant, judgement: AdaptiveRounds.Judgement)? in
                    let row = RunRecord.Variant(variant.strategy, variant.baseline ? .cBaseline : .pinbench)
                    let judgement = Self.judge(records.filter { $0.variant == row })
                    return adaptive.status(judgement, measuredRounds: rep) == .pending ? (row, judgement) : nil
                }
                guard !wide.isEmpty else { break }
                variants = variants.filter { variant in wide.contains { $0.variant == RunRecord.Variant(variant.strategy, variant.baseline ? .cBaseline : .pinbench) } }
                total += variants.count
                onEvent(.roundAdded(rep: rep, variants: wide, total: total))
            }
            for variant in variants {
                if InterruptFlag.isRaised { return records }
                let record: RunRecord
                if variant.baseline {
                    let warmSeconds = try warmHost()
                    record = runBaseline(plan: plans[variant.strategy]!, region: try freshRegion(), rep: rep, warmup: warmup,
                                         hostWarmSeconds: warmSeconds)
                } else {
                    record = try measure(variant.strategy, rep: rep, warmup: warmup, pool: pool)
                }
                records.append(record)
                onEvent(.finished(record, done: records.count, total: total))
            }
        }
        return records
    }

    /// A row's judgement under `--reps auto`, from its verified measured repetitions.
    public static func judge(_ records: [RunRecord]) -> AdaptiveRounds.Judgement {
        let verified = records.filter { !$0.warmup && $0.verified }
        return AdaptiveRounds.judge(pin: Statistics(verified.map(\.pinSeconds)), unpin: Statistics(verified.map(\.unpinSeconds)))
    }

    /// One repetition of `strategy` on a fresh region; `pool` must have the helpers a kernel
    /// plan needs. Sweeps call this per cell. A repetition the machine could not run (no
    /// region, a placement that did not take, a job that never reached its pin phase) throws
    /// `.failed`: it is no result, and a resumed sweep runs it again.
    func measure(_ strategy: Strategy, rep: Int, warmup: Bool, pool: HelperPool?) throws(HarnessError) -> RunRecord {
        let balancing = NUMABalancing.current()
        let warmSeconds = try warmHost()
        let before = try? VMStat.read().numa
        let region = try freshRegion()
        let binding = numa.binding
        let job = Job(plan: plans[strategy]!, backend: backend, pool: pool,
                      workerCPUs: { binding.appliedCPUs(forWorker: $0) },
                      placementSample: region.backing == .memory ? Self.placementSample : 0)
        let result = job.run(on: region)
        if result.notRun { throw .failed(result.error ?? "the job did not start") }
        var record = RunRecord(job: result, configuration: configuration, rep: rep, warmup: warmup,
                               poolStartSeconds: pool?.startSeconds)
        record.hostWarmSeconds = warmSeconds
        let after = try? VMStat.read().numa
        record.numa = NUMARecord(setup: numa, job: result, machine: machineTopology, numaBalancing: balancing,
                                 vmstat: before.flatMap { before in after?.delta(since: before) })
        return record
    }

    /// Pages asked about with `move_pages` after each pin phase: enough to see a misplaced
    /// percent, one syscall.
    static let placementSample = 1024

    /// CPUs for pooled helper `i` (worker `i + 1`): what a pool for this experiment's binding
    /// needs. A sweep shares one pool, as every cell has the same binding.
    public var helperCPUs: (Int) -> [Int]? {
        let binding = numa.binding
        return { binding.appliedCPUs(forWorker: $0 + 1) }
    }

    /// With `warmsHost`, maps a region of the next repetition's kind, size and placement,
    /// populates it and unmaps it, so the host backs the pages the guest hands out next;
    /// returns the seconds it took (recorded, never timed), nil when not warming.
    func warmHost() throws(HarnessError) -> Double? {
        guard warmsHost else { return nil }
        let start = MonotonicClock.now()
        do {
            let region = try mappedRegion()
            // Unmapped as it goes out of scope, before the repetition maps its own.
            do {
                try PopulateBackend(advice: .write).pin(region, Chunk(offset: 0, length: region.size.bytes))
            } catch {
                throw .failed("host warm: \(error)")
            }
        }
        return MonotonicClock.seconds(from: start, to: MonotonicClock.now())
    }

    /// Maps a new region for one repetition and, with `--prefault`, populates it untimed.
    private func freshRegion() throws(HarnessError) -> Region {
        let region = try mappedRegion()
        if configuration.prefault {
            do {
                try PopulateBackend(advice: .write).pin(region, Chunk(offset: 0, length: region.size.bytes))
            } catch {
                throw .failed("prefault: \(error)")
            }
        }
        return region
    }

    /// A new region of this experiment's kind and size under its NUMA placement, untouched.
    private func mappedRegion() throws(HarnessError) -> Region {
        let region: Region
        do {
            region = try backend.makeRegion(kind: configuration.memory, size: configuration.size)
        } catch {
            throw HarnessError(error)
        }
        // Before anything touches the region, so every page is allocated under the policy.
        if numa.bindsMemoryForReal {
            let inEffect: (placement: MemoryPlacement, nodes: [Int])
            do throws(SystemError) {
                try region.applyPlacement(numa.placement, memoryNodes: numa.memoryNodes)
                inEffect = try region.placementInEffect()
            } catch {
                throw .failed(error.description)
            }
            // The kernel's own answer, so a policy that did not take is an error, not a silent first touch.
            guard inEffect.placement == numa.placement else {
                throw .failed("mbind(\(numa.placement)) left the region's policy at \(inEffect.placement) "
                              + "over nodes \(inEffect.nodes)")
            }
        }
        return region
    }
}
