import PinContract
import PinCore
import PinSystem
import Synchronization

/// The shared state of one timed phase: the chunk source, each thread's stats slot, and the
/// first failure. Each thread writes only its own slot; the caller reads them after the phase.
final class PhaseWork: @unchecked Sendable {
    enum Phase { case pin, unpin }

    let region: Region
    let backend: any PinBackend
    let chunks: [Chunk]
    let assignment: CutPlan.Assignment
    private let cursor = Atomic<Int>(0)
    private let failed = Atomic<Bool>(false)
    private let failure = Mutex<String?>(nil)
    /// Set for the duration of a split backend's call: the work its chunks get instead of
    /// `backend.pin`/`unpin`. Written before the workers are woken, read by them after.
    var chunkWork: ChunkWork?
    let stats: UnsafeMutableBufferPointer<ThreadStats>

    init(region: Region, backend: any PinBackend, plan: CutPlan, threadSlots: Int) {
        self.region = region
        self.backend = backend
        self.chunks = plan.chunks
        self.assignment = plan.assignment
        self.stats = .allocate(capacity: threadSlots)
        for index in 0..<threadSlots { (stats.baseAddress! + index).initialize(to: ThreadStats(index: index)) }
    }

    deinit {
        stats.deinitialize()
        stats.deallocate()
    }

    /// Rewinds the cursor for the next phase.
    func reset() { cursor.store(0, ordering: .relaxed) }

    var firstError: String? { failure.withLock { $0 } }

    /// Records the first failure and makes every thread skip its remaining work.
    func fail(_ reason: String) {
        failed.store(true, ordering: .relaxed)
        failure.withLock { if $0 == nil { $0 = reason } }
    }

    /// Runs thread `index`'s share of `phase`: its static slice, or chunks from the shared
    /// cursor until none is left (padata's helper loop).
    func run(thread index: Int, phase: Phase) {
        if phase == .pin { stats[index].cpu = CPUSet.current() }
        switch assignment {
        case .staticSlices:
            if index < chunks.count, !failed.load(ordering: .relaxed) { process(chunks[index], thread: index, phase: phase) }
        case .sharedCursor:
            while !failed.load(ordering: .relaxed) {
                let next = cursor.wrappingAdd(1, ordering: .relaxed).oldValue
                guard next < chunks.count else { break }
                process(chunks[next], thread: index, phase: phase)
            }
        }
    }

    @inline(__always)
    private func process(_ chunk: Chunk, thread index: Int, phase: Phase) {
        let start = MonotonicClock.now()
        do {
            if let chunkWork {
                try chunkWork(chunk, index)
            } else {
                switch phase {
                case .pin: try backend.pin(region, chunk)
                case .unpin: try backend.unpin(region, chunk)
                }
            }
        } catch {
            fail(error.description)
        }
        let busy = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
        switch phase {
        case .pin:
            stats[index].pinChunks += 1
            stats[index].pinBytes += chunk.length
            stats[index].pinBusySeconds += busy
        case .unpin:
            stats[index].unpinChunks += 1
            stats[index].unpinBytes += chunk.length
            stats[index].unpinBusySeconds += busy
        }
    }
}
