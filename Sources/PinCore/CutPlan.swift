/// A job's split into chunks, before any memory is touched: a value to inspect, print and test.
public struct CutPlan: Sendable, Equatable {
    /// How chunks reach threads.
    public enum Assignment: String, Sendable, Equatable, Codable {
        /// Thread `i` takes `chunks[i]` (single, user).
        case staticSlices = "static"
        /// Every worker takes the next chunk from a shared cursor (kernel).
        case sharedCursor = "cursor"
    }

    public var strategy: Strategy
    public var size: ByteSize
    public var memory: MemoryKind
    /// The thread count asked for.
    public var requestedThreads: Int
    /// Threads taking part: 1 for single, the slice count for user, padata's `nworks` for kernel.
    public var workers: Int
    /// The multiple every cut falls on.
    public var alignment: PageSize
    /// Kernel only: padata's `chunk_size` after rounding to `alignment`.
    public var chunkSize: ByteSize?
    /// Kernel only: the padata knobs this plan used, `maxThreads` already capped by the threads asked for.
    public var kernel: KernelPlanParameters?
    public var assignment: Assignment
    /// The chunks in address order; they cover `[0, size)` exactly once.
    public var chunks: [Chunk]

    /// The backing's folio size, against which cuts are judged.
    public var folioSize: PageSize { memory.folioSize }

    /// Boundaries between consecutive chunks (chunk count less one).
    public var cuts: Int { max(chunks.count - 1, 0) }

    /// Cuts that fall inside a folio of the backing, so two threads may share one folio.
    public var cutsInsideFolio: Int {
        chunks.dropLast().reduce(0) { $0 + ($1.end % folioSize.bytes == 0 ? 0 : 1) }
    }

    /// Bytes each thread is given up front (static assignment only; nil for a shared cursor).
    public var bytesPerThread: [Int]? {
        assignment == .staticSlices ? chunks.map(\.length) : nil
    }
}
