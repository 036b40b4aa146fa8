/// The knobs of padata's `padata_do_multithreaded`, with the multithreaded VFIO pinning
/// RFC's defaults: align PMD, min chunk 128 MiB, at most 16 threads.
public struct KernelPlanParameters: Sendable, Equatable {
    public var align: CutAlign
    public var minChunk: ByteSize
    public var maxThreads: Int

    public init(align: CutAlign = .pmd, minChunk: ByteSize = .mib(128), maxThreads: Int = 16) {
        self.align = align
        self.minChunk = minChunk
        self.maxThreads = maxThreads
    }
}
