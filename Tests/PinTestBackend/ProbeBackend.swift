#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem
import Synchronization

/// Writes one byte per base page of each chunk and counts the minor faults the writing thread
/// took (`getrusage(RUSAGE_THREAD)` before and after): on 4 KiB memory one per page, on THP
/// about one per 2 MiB. Unpins with `MADV_DONTNEED` (`ReleasedByDontNeed`).
final class ProbeBackend: PinBackend, ReleasedByDontNeed {
    private let faults = Atomic<Int>(0)
    private let touched = Atomic<Int>(0)
    private let failsPrepareWhileExists: String?

    init(failsPrepareWhileExists: String? = nil) { self.failsPrepareWhileExists = failsPrepareWhileExists }

    func prepare(_ region: Region) throws(SystemError) {
        if let path = failsPrepareWhileExists, access(path, F_OK) == 0 { throw SystemError("prepare (test: \(path) exists)", errno: ENOMEM) }
    }

    func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        let before = Self.minorFaults()
        var offset = chunk.offset
        while offset < chunk.end {
            region.base.storeBytes(of: 1 as UInt8, toByteOffset: offset, as: UInt8.self)
            offset += PageSize.base.bytes
        }
        faults.add(Self.minorFaults() - before, ordering: .relaxed)
        touched.add(chunk.length, ordering: .relaxed)
    }

    func takeRunMetrics() -> BackendMetrics? {
        var metrics = BackendMetrics()
        metrics[ProbeMetric.minorFaults] = Double(faults.exchange(0, ordering: .relaxed))
        metrics[ProbeMetric.touched] = Double(touched.exchange(0, ordering: .relaxed))
        return metrics
    }

    /// This thread's minor faults so far (`getrusage(RUSAGE_THREAD)`).
    static func minorFaults() -> Int {
        var usage = rusage()
        // RUSAGE_THREAD (1) is Linux-only and behind _GNU_SOURCE, so Glibc does not export its name.
        getrusage(__rusage_who_t(1), &usage)
        return Int(usage.ru_minflt)
    }
}
