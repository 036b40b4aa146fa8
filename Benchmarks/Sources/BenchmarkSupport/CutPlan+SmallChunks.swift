import PinCore

extension CutPlan {
    /// A kernel plan of `size` for `workers` whose shared cursor hands out `chunk`-sized pieces:
    /// padata would never cut so finely (it makes about four chunks per worker), which is the
    /// point: the per-chunk cost of the engine stands far above the noise of one job.
    public static func kernel(size: ByteSize, workers: Int, chunk: ByteSize) throws(PlanError) -> CutPlan {
        var plan = try CutPlanner.kernelPlan(
            size: size, memory: .anon,
            parameters: KernelPlanParameters(align: .base, minChunk: ByteSize(size.bytes / workers), maxThreads: workers))
        plan.chunkSize = chunk
        plan.chunks = stride(from: 0, to: size.bytes, by: chunk.bytes).map {
            Chunk(offset: $0, length: min(chunk.bytes, size.bytes - $0))
        }
        return plan
    }
}
