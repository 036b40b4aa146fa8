import PinContract
import PinCore
import PinSystem
import Synchronization

/// The DMA mapper for machines without a VFIO device: each map call pins its range for real
/// through io_uring fixed-buffer registration (`FixedBufferRing`: `pin_user_pages` with
/// `FOLL_LONGTERM`, charged to `VmPin`) and keeps what VFIO type1 keeps around it: the IOVA
/// table with its overlap checks and entry limit, `locked_vm` accounting against
/// `RLIMIT_MEMLOCK`, and the container lock model.
///
/// Under `--container-lock type1` one mutex is held for the whole of every map and unmap
/// call, so threads mapping in parallel serialize; under `iommufd` only the IOVA table is
/// locked, briefly, and pins overlap. Nothing else may serialize them behind the model's back:
/// rings come from a pool (creating one maps it, which takes `mmap_lock` for writing and so
/// waits for every pin in flight), and iommufd's charges do not cycle `mmap_lock` (the lab
/// showed both: a 4K map waited out a 64M one under the iommufd model, not under real iommufd).
public final class ShimDMAMapper: DMAMapper, @unchecked Sendable {
    public var name: String { "shim (io_uring fixed buffers, container-lock \(containerLock), locked-vm \(account.model))" }
    public var entryLimit: Int { entryLimitValue }
    public let containerLock: VFIOOptions.ContainerLock
    public var splitsMapCalls: Bool { true }
    public let account: LockedMemoryAccount

    private let entryLimitValue: Int
    private let state: Mutex<State>
    /// type1's `iommu->lock`.
    private let containerMutex = Mutex<Void>(())
    private let activePinners = Atomic<Int>(0)
    /// Rings whose buffers were unregistered, kept for the next map calls.
    private let idleRings = Mutex<[FixedBufferRing]>([])
    private let counters = Mutex<DMAMapperStatistics>(DMAMapperStatistics())

    private struct State: ~Copyable {
        var table: IOVATable
        /// The pins behind each table entry, by IOVA.
        var pins: [UInt64: MappingPins] = [:]
    }

    /// - Parameters:
    ///   - memlock: the limit maps are charged against (default: this process's).
    ///   - startingLockedBytes: `locked_vm` already in use (default: this process's `VmLck`).
    public init(containerLock: VFIOOptions.ContainerLock = .type1, lockedVM: VFIOOptions.LockedVM = .shared,
                entryLimit: Int = IOVATable.defaultEntryLimit, memlock: MemlockLimit = .current(),
                startingLockedBytes: Int? = nil) {
        self.containerLock = containerLock
        self.entryLimitValue = entryLimit
        self.account = LockedMemoryAccount(model: lockedVM, limit: memlock, startingBytes: startingLockedBytes,
                                           cyclesMmapLock: containerLock == .type1)
        self.state = Mutex(State(table: IOVATable(entryLimit: entryLimit)))
    }

    deinit {
        // Unpin whatever a failed run left mapped, so the process ends as it began.
        state.withLock { state in
            for pins in state.pins.values { pins.unregisterAll() }
        }
    }

    /// Mappings held now.
    public var entryCount: Int { state.withLock { $0.table.count } }
    /// Bytes mapped now, by the IOVA table.
    public var mappedBytes: Int { state.withLock { $0.table.mappedBytes } }

    // MARK: - Map and unmap

    public func map(vaddr: Int, length: Int, iova: UInt64) throws(SystemError) {
        try mapSplit(vaddr: vaddr, length: length, iova: iova, workers: 1) { work in
            do { try work(Chunk(offset: 0, length: length), 0) } catch {}  // recorded in the pins
        }
    }

    public func unmap(iova: UInt64, length: Int) throws(SystemError) {
        try unmapSplit(iova: iova, length: length, workers: 1) { work in
            do { try work(Chunk(offset: 0, length: length), 0) } catch {}
        }
    }

    public func mapSplit(
        vaddr: Int, length: Int, iova: UInt64, workers: Int, split: (@escaping ChunkWork) -> Void
    ) throws(SystemError) {
        try withContainerLock { () throws(SystemError) in
            try state.withLock { (state: inout State) throws(SystemError) in
                try state.table.insert(IOVATable.Entry(iova: iova, length: length, vaddr: vaddr))
            }
            let pins = MappingPins(vaddr: vaddr, length: length, iova: iova)
            let chargers = (0..<max(workers, 1)).map { _ in account.makeCharger() }
            split { [self] chunk, worker throws(SystemError) in
                try pin(chunk, of: pins, charger: chargers[worker])
            }
            for charger in chargers { charger.finish() }
            if let failure = pins.failure ?? pins.coverageFailure() {
                account.uncharge(pins.unregisterAll())
                _ = try? state.withLock { (state: inout State) throws(SystemError) in
                    try state.table.remove(iova: iova, length: length)
                }
                throw failure
            }
            let (rings, peak) = state.withLock { (state: inout State) -> (Int, Int) in
                state.pins[iova] = pins
                return (state.pins.values.reduce(0) { $0 + $1.ringCount }, state.table.peakCount)
            }
            counters.withLock {
                $0.mapCalls += 1
                $0.peakEntries = max($0.peakEntries, peak)
                $0.rings = max($0.rings, rings)
            }
        }
    }

    public func unmapSplit(iova: UInt64, length: Int, workers: Int, split: (@escaping ChunkWork) -> Void) throws(SystemError) {
        try withContainerLock { () throws(SystemError) in
            let removed = try state.withLock { (state: inout State) throws(SystemError) -> [MappingPins] in
                try state.table.remove(iova: iova, length: length).compactMap { state.pins.removeValue(forKey: $0.iova) }
            }
            // Every worker unpins the rings whose start falls in its chunk (offsets from `iova`).
            let pieces = removed.flatMap { pins in pins.takeRings(relativeTo: iova) }
            let failure = Mutex<SystemError?>(nil)
            split { chunk, _ throws(SystemError) in
                for piece in pieces where piece.offset >= chunk.offset && piece.offset < chunk.end {
                    do throws(SystemError) { try piece.ring.unregister() } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                        throw error
                    }
                }
            }
            // A ring a chunk did not reach is unpinned here, so nothing stays pinned.
            for piece in pieces { try? piece.ring.unregister() }
            let emptied = pieces.map(\.ring).filter { $0.registered.isEmpty }
            idleRings.withLock { $0.append(contentsOf: emptied) }
            account.uncharge(pieces.reduce(0) { $0 + $1.pages })
            counters.withLock { $0.unmapCalls += 1 }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    /// Pins one chunk of a map call into its own ring(s): charge first (as VFIO checks the
    /// limit before it maps), then register.
    private func pin(_ chunk: Chunk, of pins: MappingPins, charger: LockedMemoryAccount.Charger) throws(SystemError) {
        do throws(SystemError) {
            var offset = chunk.offset
            while offset < chunk.end {
                let length = min(FixedBufferRing.maxBytes, chunk.end - offset)
                let pages = length / PageSize.base.bytes
                try charger.charge(pages)
                let ring: FixedBufferRing
                do throws(SystemError) {
                    if let idle = idleRings.withLock({ $0.popLast() }) { ring = idle } else { ring = try FixedBufferRing() }
                    let now = activePinners.wrappingAdd(1, ordering: .relaxed).newValue
                    defer { activePinners.wrappingSubtract(1, ordering: .relaxed) }
                    counters.withLock { $0.maxConcurrentPinners = max($0.maxConcurrentPinners, now) }
                    try ring.register(UnsafeRawPointer(bitPattern: pins.vaddr + offset)!, length: length)
                } catch {
                    charger.release(pages)
                    throw error
                }
                pins.add(MappingPins.Piece(offset: offset, length: length, pages: pages, ring: ring))
                if containerLock == .type1 { counters.withLock { $0.bytesPinnedUnderContainerLock += length } }
                offset += length
            }
        } catch {
            pins.recordFailure(error)
            throw error
        }
    }

    /// Runs `body` under the container lock when the type1 model is in effect, and times it.
    private func withContainerLock(_ body: () throws(SystemError) -> Void) throws(SystemError) {
        guard containerLock == .type1 else { return try body() }
        try containerMutex.withLock { _ throws(SystemError) in
            let start = MonotonicClock.now()
            defer {
                let held = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
                counters.withLock { $0.containerLockSeconds += held }
            }
            try body()
        }
    }

    // MARK: - Statistics and verification

    public func takeStatistics() -> DMAMapperStatistics {
        var statistics = counters.withLock { current in
            defer { current = DMAMapperStatistics() }
            return current
        }
        statistics.lockedVMUpdates = account.takeUpdateCount()
        state.withLock { $0.table.resetPeak() }
        return statistics
    }

    /// The `VmPin` growth io_uring should show for what is registered now: each ring charges
    /// every base page once, except that a compound page (THP, hugetlb) is charged whole, once
    /// per ring. So: exactly the bytes for 4 KiB folios, the bytes rounded out to folios per
    /// ring for hugetlb, and between the two for THP (the kernel may have backed parts with 4 KiB).
    func expectedPinnedBytes(folio: Int) -> (low: Int, high: Int) {
        state.withLock { state in
            var low = 0, high = 0
            for pins in state.pins.values {
                let (bytes, rounded) = pins.pinnedBytes(roundedTo: folio)
                low += bytes
                high += rounded
            }
            return (low, high)
        }
    }

    public func verifyMapped(_ region: Region, baseline: ProcStatus) -> Verification {
        let mapped = mappedBytes
        let entries = entryCount
        let charged = account.chargedPages * PageSize.base.bytes
        let own = Verification(
            passed: mapped == region.size.bytes && charged == region.size.bytes,
            detail: "\(entries) IOVA entries map \(ByteSize(mapped)), locked_vm +\(ByteSize(charged)) (\(account.ruleDescription))")
        let folio = region.kind.folioSize.bytes
        let (low, high) = expectedPinnedBytes(folio: folio)
        let pinned: Verification
        do {
            let delta = try ProcStatus.current().pinnedBytes - baseline.pinnedBytes
            let exact = region.kind.isHugetlb ? high : (folio == PageSize.base.bytes ? low : nil)
            let passed = exact.map { delta == $0 } ?? (delta >= low && delta <= high)
            let expected = exact.map { "+\(ByteSize($0))" } ?? "+\(ByteSize(low))..+\(ByteSize(high))"
            if !passed, delta == 0, low > 0, let listed = try kernelListed() {
                // Since 7.x io_uring charges no VmPin to a process with CAP_IPC_LOCK; what the
                // kernel lists as registered (and so pinned) is then the witness.
                pinned = Verification(
                    passed: listed.exact && listed.bytes == low,
                    detail: "VmPin +0 (this kernel charges none for io_uring buffers of a CAP_IPC_LOCK process); "
                        + "io_uring lists \(ByteSize(listed.bytes)) registered, \(listed.exact ? "exactly" : "NOT exactly") "
                        + "the ranges pinned (expected \(ByteSize(low)))")
            } else {
                pinned = Verification(passed: passed, detail: "VmPin +\(ByteSize(max(delta, 0))) (expected \(expected))")
            }
        } catch {
            pinned = .failed("\(error)")
        }
        return own.and(pinned)
    }

    /// What every entry's rings list in their fdinfo, summed; nil where the kernel lists none.
    private func kernelListed() throws(SystemError) -> (bytes: Int, exact: Bool)? {
        let entries = state.withLock { Array($0.pins.values) }
        var bytes = 0, exact = true
        for pins in entries {
            guard let listed = try pins.kernelListed() else { return nil }
            bytes += listed.bytes
            exact = exact && listed.exact
        }
        return (bytes, exact)
    }

    public func verifyUnmapped(_ region: Region, baseline: ProcStatus) -> Verification {
        let entries = entryCount
        let charged = account.chargedPages
        return Verification(
            passed: entries == 0 && charged == 0,
            detail: "\(entries) IOVA entries, locked_vm \(ByteSize(charged * PageSize.base.bytes))")
            .and(.statusDelta(\.pinnedBytes, named: "VmPin", expected: 0, since: baseline))
    }
}
