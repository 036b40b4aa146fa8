import PinCore
import PinSystem

/// What is done to a chunk of a region. Implementations must be safe to call concurrently
/// on disjoint chunks of one region: the engine's threads share the backend.
public protocol PinBackend: Sendable {
    /// Makes `chunk` of `region` resident and, where the backend does so, locked or pinned.
    func pin(_ region: Region, _ chunk: Chunk) throws(SystemError)

    /// Undoes `pin` on `chunk`.
    func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError)

    /// Checks the whole region after the pin phase (untimed). `baseline` is
    /// `/proc/self/status` as read just before the pin phase.
    func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification

    /// Checks the whole region after the unpin phase (untimed).
    func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification

    /// What the backend saw during the run that just ended (verification included), then
    /// forgotten; nil for backends with nothing to add.
    func takeRunMetrics() -> BackendMetrics?

    /// What the region under test must be: memory (every real backend) or address space only
    /// (a simulated range, which needs no memory of its size).
    var regionBacking: Region.Backing { get }

    /// Maps a new, untouched region of `kind` and `size` for one job: memory, or for a simulated
    /// range the address space only (`regionBacking`).
    func makeRegion(kind: MemoryKind, size: ByteSize) throws(RegionError) -> Region

    /// Checks, before any memory is used, that the machine can hold what the backend itself
    /// needs for a region of `size` bytes of `kind` (the region's own memory is checked apart).
    func checkCapacity(kind: MemoryKind, size: ByteSize) throws(SystemError)

    /// Untimed set-up for one region before its pin phase.
    func prepare(_ region: Region) throws(SystemError)

    /// Called once the job on `region` is over (after `takeRunMetrics`): drop what `prepare` made.
    func finish(_ region: Region)
}

extension PinBackend {
    public func takeRunMetrics() -> BackendMetrics? { nil }
    public var regionBacking: Region.Backing { .memory }
    public func makeRegion(kind: MemoryKind, size: ByteSize) throws(RegionError) -> Region {
        try Region.map(kind: kind, size: size)
    }
    public func checkCapacity(kind: MemoryKind, size: ByteSize) throws(SystemError) {}
    public func prepare(_ region: Region) throws(SystemError) {}
    public func finish(_ region: Region) {}
}
