import PinContract
import PinCore
import PinSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real backend whose pin of one chunk (the second slice of a `user` job, say) fails before
/// it reaches the backend, as a map call hitting an entry or memlock limit would: every other
/// chunk is pinned, unpinned and verified by the real backend. The failing chunk first waits
/// (up to 2 s) for another chunk to pin, so there is always something to undo.
final class FailingSliceBackend: PinBackend, @unchecked Sendable {
    let real: any PinBackend
    let failingOffset: Int
    private let pins = Atomic<Int>(0)

    init(_ real: any PinBackend, failingOffset: Int) {
        self.real = real
        self.failingOffset = failingOffset
    }

    func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        if chunk.offset == failingOffset {
            for _ in 0..<2000 where pins.load(ordering: .acquiring) == 0 { usleep(1000) }
            throw SystemError("map (injected)", errno: 28)  // ENOSPC
        }
        try real.pin(region, chunk)
        pins.add(1, ordering: .releasing)
    }

    func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) { try real.unpin(region, chunk) }
    func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification { real.verifyPinned(region, baseline: baseline) }
    func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification { real.verifyUnpinned(region, baseline: baseline) }
    func takeRunMetrics() -> BackendMetrics? { real.takeRunMetrics() }
    var regionBacking: Region.Backing { real.regionBacking }
    func makeRegion(kind: MemoryKind, size: ByteSize) throws(RegionError) -> Region { try real.makeRegion(kind: kind, size: size) }
    func prepare(_ region: Region) throws(SystemError) { try real.prepare(region) }
    func finish(_ region: Region) { real.finish(region) }
}
