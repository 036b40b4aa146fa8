import PinContract
import PinCore
import PinSystem

/// A backend that does nothing to its chunks, over address space with no memory behind it:
/// what is left of a job is the engine's own work per chunk (cursor, clock reads, per-thread
/// stats), which is what the dispatch benchmarks time. Whether every chunk was handed out
/// exactly once is checked from the job's thread stats (`JobResult.coversPlan`).
public struct NoOpBackend: PinBackend {
    public init() {}

    public var regionBacking: Region.Backing { .addressSpace }

    public func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {}
    public func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) {}

    public func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification {
        Verification(passed: true, detail: "no-op backend: nothing pinned")
    }

    public func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification {
        Verification(passed: true, detail: "no-op backend: nothing pinned")
    }
}
