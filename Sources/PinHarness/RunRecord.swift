import PinBackends
import PinCore
import PinEngine

/// One measured repetition, as written by `pinbench run --json` (one JSON object per line).
public struct RunRecord: Sendable, Codable, Equatable {
    /// `pinbench`, or `c-baseline` for the plain C loop.
    public var implementation: String
    public var strategy: String
    public var backend: String
    public var memory: String
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

    /// Pin throughput in GiB/s.
    public var pinGiBPerSecond: Double { pinSeconds > 0 ? Double(sizeBytes) / Double(1 << 30) / pinSeconds : 0 }

    /// Rows of a table group by this.
    public var variant: String { implementation == "pinbench" ? strategy : "C \(strategy)" }
}

extension RunRecord {
    init(job: JobResult, configuration: RunConfiguration, rep: Int, warmup: Bool, poolStartSeconds: Double?) {
        let plan = job.plan
        self.init(
            implementation: "pinbench", strategy: plan.strategy.rawValue, backend: configuration.backend.rawValue,
            memory: configuration.memory.rawValue, threads: configuration.threads, workers: plan.workers,
            sizeBytes: plan.size.bytes, pages: plan.size.bytes / plan.memory.pageSize.bytes, rep: rep,
            warmup: warmup, prefault: configuration.prefault, pinSeconds: job.pinSeconds,
            unpinSeconds: job.unpinSeconds, threadStartSeconds: job.threadStartSeconds,
            poolStartSeconds: plan.strategy == .kernel ? poolStartSeconds : nil,
            chunks: plan.chunks.count, chunkBytes: plan.chunkSize?.bytes, cutAlignBytes: plan.alignment.bytes,
            cutsInsideFolio: plan.cutsInsideFolio,
            minChunkBytes: plan.strategy == .kernel ? configuration.kernel.minChunk.bytes : nil,
            maxThreads: plan.strategy == .kernel ? min(configuration.kernel.maxThreads, configuration.threads) : nil,
            verified: job.verified, pinnedCheck: job.pinnedCheck.description,
            unpinnedCheck: job.unpinnedCheck.description, error: job.error, perThread: job.threads)
    }
}
