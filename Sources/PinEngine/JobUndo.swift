import PinCore

/// What a job released after its pin phase failed: the chunks that had been pinned (or
/// mapped) by the time of the failure, each released by the backend that took it, because a
/// DMA mapping or an io_uring registration outlives `munmap` and would otherwise stay charged
/// into the cell's next repetition.
public struct JobUndo: Sendable, Equatable, Codable {
    /// Chunks whose pin had succeeded and that were released again.
    public var chunks: Int
    public var bytes: Int
    /// Whether the failed call released its own work: a split call (`pinSplit`) or the
    /// kernel's workers (`pinInKernel`) undo what they did before they throw, so nothing was
    /// left for the job to release.
    public var byFailedCall: Bool
    /// The first failure while releasing, if any: then something may still be pinned.
    public var error: String?

    public init(chunks: Int = 0, bytes: Int = 0, byFailedCall: Bool = false, error: String? = nil) {
        self.chunks = chunks
        self.bytes = bytes
        self.byFailedCall = byFailedCall
        self.error = error
    }

    /// "released 3 chunks (192 MiB) that had been pinned", as the record and progress say it.
    public var summary: String {
        if byFailedCall { return "the failed call released its own work" + (error.map { "; releasing failed: \($0)" } ?? "") }
        let released = chunks == 0 ? "nothing had been pinned" : "released \(chunks) pinned chunks (\(ByteSize(bytes)))"
        return released + (error.map { "; releasing failed: \($0)" } ?? "")
    }
}
