import PinContract
import PinCore
import PinSystem
import Synchronization

/// The bookkeeping both real mappers keep beside the kernel's: their own IOVA table (so a
/// run can check the kernel agrees) and call counts.
final class RealMapperAccounting: @unchecked Sendable {
    private let table: Mutex<IOVATable>
    private let counters = Mutex<DMAMapperStatistics>(DMAMapperStatistics())

    init(entryLimit: Int) { table = Mutex(IOVATable(entryLimit: entryLimit)) }

    var entries: [IOVATable.Entry] { table.withLock { $0.entries } }
    var mappedBytes: Int { table.withLock { $0.mappedBytes } }

    /// Records a map the kernel accepted.
    func mapped(_ entry: IOVATable.Entry) {
        table.withLock { table in
            try? table.insert(entry)
            let peak = table.peakCount
            counters.withLock {
                $0.mapCalls += 1
                $0.peakEntries = max($0.peakEntries, peak)
            }
        }
    }

    /// Records an unmap the kernel accepted.
    func unmapped(iova: UInt64, length: Int) {
        table.withLock { _ = try? $0.remove(iova: iova, length: length) }
        counters.withLock { $0.unmapCalls += 1 }
    }

    /// Puts back a mapping a dirty tracker's last pass took down and mapped again: in the
    /// table, not in the run's counts (the run made it once).
    func restore(_ entry: IOVATable.Entry) {
        table.withLock { _ = try? $0.insert(entry) }
    }

    /// Drops the mappings of `[iova, iova + length)` that a call outside the run's counts unmapped.
    func forget(iova: UInt64, length: Int) {
        table.withLock { _ = try? $0.remove(iova: iova, length: length) }
    }

    func takeStatistics() -> DMAMapperStatistics {
        table.withLock { $0.resetPeak() }
        return counters.withLock { current in
            defer { current = DMAMapperStatistics() }
            return current
        }
    }

    /// The own table maps the region, and the kernel's counter (`VmLck` for type1's
    /// `locked_vm`, `VmPin` for iommufd's `pinned_vm`) grew by its size.
    func verifyMapped(_ region: Region, baseline: ProcStatus, counter: KeyPath<ProcStatus, Int>, counterName: String) -> Verification {
        Verification(passed: mappedBytes == region.size.bytes, detail: "\(entries.count) IOVA entries map \(ByteSize(mappedBytes))")
            .and(.statusDelta(counter, named: counterName, expected: region.size.bytes, since: baseline))
    }

    func verifyUnmapped(baseline: ProcStatus, counter: KeyPath<ProcStatus, Int>, counterName: String) -> Verification {
        Verification(passed: entries.isEmpty, detail: "\(entries.count) IOVA entries")
            .and(.statusDelta(counter, named: counterName, expected: 0, since: baseline))
    }
}
