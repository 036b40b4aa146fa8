import PinCore
import PinSystem

/// Work on one chunk by one worker, handed out from inside a whole-range call.
public typealias ChunkWork = @Sendable (_ chunk: Chunk, _ worker: Int) throws(SystemError) -> Void

/// A backend whose pin (and unpin) of a whole region is one call that can hand its inner work
/// to other threads: the multithreaded pinning RFC split one `VFIO_IOMMU_MAP_DMA` across padata
/// helpers. The engine's `kernel` strategy calls `pinSplit` once, and its `split` runs the
/// chunk work over the plan's chunks on the caller and the pool's helpers.
public protocol SplitPinBackend: PinBackend {
    /// Whether this instance can split a call (a real kernel's ioctl cannot be split).
    var splitsCalls: Bool { get }

    /// One call over the whole region; `split(work)` must run `work` on every chunk of the
    /// plan on up to `workers` threads and return when all are done. A call that throws must
    /// first release what its chunks pinned (as type1's `vfio_pin_map_dma` unwinds): the
    /// engine then undoes nothing. A call that returns has pinned every chunk.
    func pinSplit(_ region: Region, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError)

    /// One call undoing `pinSplit`, split the same way.
    func unpinSplit(_ region: Region, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError)
}
