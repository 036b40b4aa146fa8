import PinContract
import PinCore
import PinSystem
import Synchronization

/// The shared state of one timed phase: the chunk source, each thread's stats slot, which
/// chunks are pinned, and the first failure. Each thread writes only its own slot and the
/// chunks it took; the caller reads them after the phase.
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
    /// Per chunk: whether its pin succeeded and it has not been unpinned since. Each chunk is
    /// written only by the thread that took it; the phase's barrier orders it for the next.
    private let pinned: UnsafeMutableBufferPointer<Bool>
    /// Whether this unpin phase only releases what a failed pin phase left pinned.
    private(set) var undoing = false
    private let undone = Mutex(JobUndo())

    init(region: Region, backend: any PinBackend, plan: CutPlan, threadSlots: Int) {
        self.region = region
        self.backend = backend
        self.chunks = plan.chunks
        self.assignment = plan.assignment
        self.stats = .allocate(capacity: threadSlots)
        for index in 0..<threadSlots { (stats.baseAddress! + index).initialize(to: ThreadStats(index: index)) }
        self.pinned = .allocate(capacity: plan.chunks.count)
        pinned.initialize(repeating: false)
    }

    deinit {
        stats.deinitialize()
        stats.deallocate()
        pinned.deallocate()
    }

    /// Rewinds the cursor for the unpin phase. After a failed pin phase (`undo`), the unpin
    /// phase releases exactly the chunks whose pin succeeded and nothing is timed as a result.
    func beginUnpin(undo: Bool) {
        cursor.store(0, ordering: .relaxed)
        undoing = undo
    }

    var firstError: String? { failure.withLock { $0 } }

    /// What the undo released (after an unpin phase begun with `undo`).
    var undo: JobUndo { undone.withLock { $0 } }

    /// Records that the failed call released its own work (a split or in-kernel call): its
    /// chunks are no longer pinned, whatever their work returned.
    func undoneByFailedCall() {
        undone.withLock { $0.byFailedCall = true }
        for index in pinned.indices { pinned[index] = false }
    }

    /// Records that one call released every chunk (the kernel's workers undoing a whole pin).
    func undoneWholeCall() {
        undone.withLock {
            $0.chunks = chunks.count
            $0.bytes = chunks.reduce(0) { $0 + $1.length }
        }
    }

    /// Records the first failure; in the pin phase every thread then skips its remaining work.
    func fail(_ reason: String) {
        failed.store(true, ordering: .relaxed)
        failure.withLock { if $0 == nil { $0 = reason } }
    }

    /// Runs thread `index`'s share of `phase`: its static slice, or chunks from the shared
    /// cursor until none is left (padata's helper loop). A failure stops the pin phase; the
    /// unpin phase goes on through every chunk, so one failed unpin leaves no other pinned.
    func run(thread index: Int, phase: Phase) {
        if phase == .pin { stats[index].cpu = CPUSet.current() }
        switch assignment {
        case .staticSlices:
            guard index < chunks.count, phase == .unpin || !failed.load(ordering: .relaxed) else { return }
            process(index, thread: index, phase: phase)
        case .sharedCursor:
            while phase == .unpin || !failed.load(ordering: .relaxed) {
                let next = cursor.wrappingAdd(1, ordering: .relaxed).oldValue
                guard next < chunks.count else { break }
                process(next, thread: index, phase: phase)
            }
        }
    }

    @inline(__always)
    private func process(_ chunkIndex: Int, thread index: Int, phase: Phase) {
        let chunk = chunks[chunkIndex]
        if undoing {
            release(chunkIndex, thread: index)
            return
        }
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
            pinned[chunkIndex] = phase == .pin
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

    /// Undo: unpins one chunk if its pin had succeeded, by the work that pinned it.
    private func release(_ chunkIndex: Int, thread index: Int) {
        guard pinned[chunkIndex] else { return }
        let chunk = chunks[chunkIndex]
        do {
            if let chunkWork { try chunkWork(chunk, index) } else { try backend.unpin(region, chunk) }
            pinned[chunkIndex] = false
            undone.withLock {
                $0.chunks += 1
                $0.bytes += chunk.length
            }
        } catch {
            undone.withLock { if $0.error == nil { $0.error = "unpinning chunk at offset \(chunk.offset): \(error)" } }
        }
    }
}
