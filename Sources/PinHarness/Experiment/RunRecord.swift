import PinContract
import PinCore
import PinEngine
import PinSystem

/// One measured repetition, as written by `pinbench run --json` (one JSON object per line).
public struct RunRecord: Sendable, Codable, Equatable {
    /// What ran the job: PinBench's engine, or the plain C loop of the same system calls.
    public enum Implementation: String, Sendable, Codable {
        case pinbench
        case cBaseline = "c-baseline"
    }

    /// A row of a run's tables: a strategy, run by PinBench or by its C twin.
    public struct Variant: Sendable, Hashable, CustomStringConvertible {
        public var strategy: Strategy
        public var implementation: Implementation

        public init(_ strategy: Strategy, _ implementation: Implementation = .pinbench) {
            self.strategy = strategy
            self.implementation = implementation
        }

        /// "user", or "C user" for the C twin.
        public var description: String { implementation == .pinbench ? strategy.rawValue : "C \(strategy)" }

        /// The C twin of this row, or PinBench's own row of the C twin.
        public var twin: Variant { Variant(strategy, implementation == .pinbench ? .cBaseline : .pinbench) }
    }

    public var implementation: Implementation
    public var strategy: Strategy
    public var backend: BackendID
    public var memory: MemoryKind
    /// Threads asked for.
    public var threads: Int
    /// Threads that took part (user slices; kernel `nworks`).
    public var workers: Int
    public var sizeBytes: Int
    /// MMU pages of the memory kind (4 KiB, 2 MiB or 1 GiB each).
    public var pages: Int
    public var rep: Int
    public var warmup: Bool
    public var prefault: Bool
    public var pinSeconds: Double
    public var unpinSeconds: Double
    public var threadStartSeconds: Double
    /// Kernel strategy: seconds to start the persistent helper pool (once per invocation).
    public var poolStartSeconds: Double?
    public var chunks: Int
    public var chunkBytes: Int?
    public var cutAlignBytes: Int
    public var cutsInsideFolio: Int
    public var minChunkBytes: Int?
    public var maxThreads: Int?
    public var verified: Bool
    public var pinnedCheck: String
    public var unpinnedCheck: String
    public var error: String?
    public var perThread: [ThreadStats]
    /// The backend's options as it records them (`BackendOptions.recorded`: vfio's mapper and
    /// models, foliosim's modes, kmod's pin path), kept in the JSON under the backend's name.
    public var backendOptions: String? = nil
    /// More workers than the CPUs this process may use (absent otherwise).
    public var oversubscribed: Bool? = nil
    /// Seconds spent, untimed, touching the memory this repetition was about to get, so the
    /// host backed it (`HostWarm`); nil when not warmed.
    public var hostWarmSeconds: Double? = nil
    /// What the backend reported beside the timings (vfio: map calls, lock time, physical runs).
    public var backendMetrics: BackendMetrics? = nil
    /// Where memory and threads were (placement asked and found, binding, `sched_getcpu`).
    public var numa: NUMARecord? = nil
    /// After a failed pin phase: what the job released again, so the cell's next repetition
    /// starts clean (absent when the pin phase did not fail).
    public var undo: JobUndo? = nil
    /// Sweeps only: the cell (`SweepCell.id`), the round (warm-up rounds first) and the sweep's
    /// seed. Absent from `pinbench run` output.
    public var cell: String?
    public var round: Int?
    public var seed: UInt64?

    /// Pin throughput in GiB/s.
    public var pinGiBPerSecond: Double { pinSeconds > 0 ? Double(sizeBytes) / Double(1 << 30) / pinSeconds : 0 }

    /// Rows of a table group by this.
    public var variant: Variant { Variant(strategy, implementation) }
}

extension RunRecord {
    /// A record of one repetition of `plan` with the configuration's fields filled in and no
    /// measurement yet: the part PinBench's jobs and the C twins share.
    init(implementation: Implementation, plan: CutPlan, configuration: RunConfiguration, rep: Int, warmup: Bool) {
        self.init(
            implementation: implementation, strategy: plan.strategy, backend: configuration.backend,
            memory: configuration.memory, threads: configuration.threads, workers: plan.workers,
            sizeBytes: plan.size.bytes, pages: plan.size.bytes / plan.memory.pageSize.bytes, rep: rep,
            warmup: warmup, prefault: configuration.prefault, pinSeconds: 0, unpinSeconds: 0,
            threadStartSeconds: 0, poolStartSeconds: nil, chunks: plan.chunks.count, chunkBytes: plan.chunkSize?.bytes,
            cutAlignBytes: plan.alignment.bytes, cutsInsideFolio: plan.cutsInsideFolio,
            minChunkBytes: plan.kernel?.minChunk.bytes, maxThreads: plan.kernel?.maxThreads,
            verified: false, pinnedCheck: "not run", unpinnedCheck: "not run", error: nil, perThread: [],
            cell: nil, round: nil, seed: nil)
        backendOptions = configuration.backendOptions.recorded
        // More workers than CPUs is a comparison users may want, never one they should get by accident.
        if plan.workers > CPUSet.allowed().count { oversubscribed = true }
    }

    init(job: JobResult, configuration: RunConfiguration, rep: Int, warmup: Bool, poolStartSeconds: Double?) {
        self.init(implementation: .pinbench, plan: job.plan, configuration: configuration, rep: rep, warmup: warmup)
        pinSeconds = job.pinSeconds
        unpinSeconds = job.unpinSeconds
        threadStartSeconds = job.threadStartSeconds
        self.poolStartSeconds = job.plan.strategy == .kernel ? poolStartSeconds : nil
        verified = job.verified
        pinnedCheck = job.pinnedCheck.description
        unpinnedCheck = job.unpinnedCheck.description
        error = job.error
        perThread = job.threads
        backendMetrics = job.backendMetrics
        undo = job.undo
    }
}
