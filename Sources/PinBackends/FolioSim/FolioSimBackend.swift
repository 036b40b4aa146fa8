#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem
import Synchronization

/// Simulated kernel GUP (`--backend foliosim`): pins walk a simulated page table and take
/// FOLL_PIN references on a simulated memmap, per page or per folio (`--gup`), and unpins drop
/// them (`--unpin`). The range is address space only unless the layout is read from the kernel
/// (`--folios pagemap`), so the cost measured is the model's real CPU and memory work.
public final class FolioSimBackend: PinBackend, Sendable {
    public let options: FolioSimOptions

    /// The simulation of the region being measured, set by `prepare` and dropped by `finish`.
    private let current = Mutex<SimulatedMemory?>(nil)
    private let pinOperations = Atomic<Int>(0)
    private let pinAtomics = Atomic<Int>(0)
    private let casRetries = Atomic<Int>(0)
    private let unpinOperations = Atomic<Int>(0)
    private let cutsInsideFolio = Atomic<Int>(0)

    public init(options: FolioSimOptions = FolioSimOptions()) {
        self.options = options
    }

    public var regionBacking: Region.Backing { options.regionBacking }

    /// Synthetic layouts are placed on a 1 GiB boundary, so any folio size fits and every
    /// repetition gets the same layout (and can reuse the last simulation).
    public static let rangeAlignment = PageSize.pud

    /// A synthetic layout's range is address space only, on `rangeAlignment`.
    public func makeRegion(kind: MemoryKind, size: ByteSize) throws(RegionError) -> Region {
        switch regionBacking {
        case .memory: try Region.map(kind: kind, size: size)
        case .addressSpace: try Region.reserve(kind: kind, size: size, alignment: Self.rangeAlignment)
        }
    }

    public func checkCapacity(kind: MemoryKind, size: ByteSize) throws(SystemError) {
        try SimulatedMemory.checkCapacity(size: size, memory: try MemoryInfo.current())
    }

    public func prepare(_ region: Region) throws(SystemError) {
        let memory: SimulatedMemory
        if let shelved = SimulatedMemoryShelf.take(for: region, layout: options.layout) {
            shelved.rebase(to: region)
            shelved.clearPageArray()
            memory = shelved
        } else {
            if !options.layout.isSynthetic {
                // The kernel's folios exist only once the real region is faulted in.
                try PopulateBackend(advice: .write).pin(region, Chunk(offset: 0, length: region.size.bytes))
            }
            memory = try SimulatedMemory(region: region, layout: options.layout)
        }
        pinOperations.store(0, ordering: .relaxed)
        pinAtomics.store(0, ordering: .relaxed)
        casRetries.store(0, ordering: .relaxed)
        unpinOperations.store(0, ordering: .relaxed)
        cutsInsideFolio.store(0, ordering: .relaxed)
        memory.isClean = false
        current.withLock { $0 = memory }
    }

    public func finish(_ region: Region) {
        guard let memory = current.withLock({ memory -> SimulatedMemory? in defer { memory = nil }; return memory }) else { return }
        SimulatedMemoryShelf.put(memory)
    }

    /// The simulation of `region`, and `chunk` checked to lie inside it.
    private func simulation(of region: Region, _ chunk: Chunk) throws(SystemError) -> SimulatedMemory {
        let memory = try simulation(of: region)
        let page = PageSize.base.bytes
        guard chunk.offset >= 0, chunk.length >= 0, chunk.offset % page == 0, chunk.length % page == 0,
              chunk.offset + chunk.length <= region.size.bytes else {
            throw SystemError("foliosim on \(chunk)", errno: EINVAL,
                              hint: "a chunk must be whole 4 KiB pages inside the \(region.size) range")
        }
        return memory
    }

    private func simulation(of region: Region) throws(SystemError) -> SimulatedMemory {
        guard let memory = current.withLock({ $0 }), memory.address == region.address, memory.size == region.size else {
            throw SystemError("foliosim on \(region.size) at 0x\(String(region.address, radix: 16))", errno: EINVAL,
                              hint: "the region was not prepared (PinBackend.prepare must run before its pin phase)")
        }
        return memory
    }

    // MARK: - Phases

    public func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        let memory = try simulation(of: region, chunk)
        let first = chunk.offset / PageSize.base.bytes
        if chunk.offset > 0, memory.isTail(first) { cutsInsideFolio.add(1, ordering: .relaxed) }
        var counters = GUPCounters()
        defer {
            pinOperations.add(counters.operations, ordering: .relaxed)
            pinAtomics.add(counters.atomics, ordering: .relaxed)
            casRetries.add(Int(counters.retries), ordering: .relaxed)
        }
        try memory.pin(first: first, count: chunk.length / PageSize.base.bytes, mode: options.pin, counters: &counters)
    }

    public func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        let memory = try simulation(of: region, chunk)
        var counters = GUPCounters()
        defer { unpinOperations.add(counters.operations, ordering: .relaxed) }
        try memory.unpin(first: chunk.offset / PageSize.base.bytes, count: chunk.length / PageSize.base.bytes,
                         mode: options.unpin, counters: &counters)
    }

    // MARK: - Verification

    public func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification {
        do { return try simulation(of: region).verify(pinned: true) } catch { return .failed(error.description) }
    }

    public func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification {
        do {
            let memory = try simulation(of: region)
            let check = memory.verify(pinned: false)
            memory.isClean = check.passed
            return check
        } catch {
            return .failed(error.description)
        }
    }

    public func takeRunMetrics() -> BackendMetrics? {
        let memory = current.withLock { $0 }
        var metrics = BackendMetrics()
        metrics[FolioSimMetric.pinGrabs] = Double(pinOperations.exchange(0, ordering: .relaxed))
        metrics[FolioSimMetric.pinAtomics] = Double(pinAtomics.exchange(0, ordering: .relaxed))
        metrics[FolioSimMetric.casRetries] = Double(casRetries.exchange(0, ordering: .relaxed))
        metrics[FolioSimMetric.unpinPuts] = Double(unpinOperations.exchange(0, ordering: .relaxed))
        metrics[FolioSimMetric.cutsInsideFolio] = Double(cutsInsideFolio.exchange(0, ordering: .relaxed))
        metrics[FolioSimMetric.options] = options.description
        if let memory {
            metrics[FolioSimMetric.census] = memory.census.description
            metrics[FolioSimMetric.folios] = Double(memory.census.folios)
        }
        return metrics
    }
}
