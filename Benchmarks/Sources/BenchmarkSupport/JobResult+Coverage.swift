import PinEngine

extension JobResult {
    /// Throws unless the job verified and its threads, between them, took every chunk of the
    /// plan exactly once in each phase: the check a no-op backend cannot make itself.
    public func checkCoversPlan() throws(BenchmarkFailure) {
        guard verified else {
            throw BenchmarkFailure("job failed: \(error ?? "") pinned \(pinnedCheck), unpinned \(unpinnedCheck)")
        }
        let size = plan.size.bytes
        let chunks = plan.chunks.count
        let pinned = (chunks: threads.reduce(0) { $0 + $1.pinChunks }, bytes: threads.reduce(0) { $0 + $1.pinBytes })
        let unpinned = (chunks: threads.reduce(0) { $0 + $1.unpinChunks }, bytes: threads.reduce(0) { $0 + $1.unpinBytes })
        guard pinned == (chunks, size), unpinned == (chunks, size) else {
            throw BenchmarkFailure(
                "threads took \(pinned.chunks) chunks / \(pinned.bytes) bytes to pin and \(unpinned.chunks) / \(unpinned.bytes) "
                    + "to unpin; the plan has \(chunks) / \(size)")
        }
    }
}
