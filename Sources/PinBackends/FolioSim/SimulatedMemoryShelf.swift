import PinCore
import PinSystem
import Synchronization

/// Keeps the last clean simulation for the next job of the same shape, so repetitions (and
/// every strategy of one run) reuse a built, warm memmap instead of building one per job.
/// It holds at most one, so a sweep's many backends never keep more than one idle simulation,
/// and a simulation is taken off it while a job uses it, so two jobs never share one.
enum SimulatedMemoryShelf {
    private static let shelf = Mutex<SimulatedMemory?>(nil)

    /// The shelved simulation if it fits `region` with `layout` (same kind, size, layout and
    /// offset within 1 GiB); anything else on the shelf is dropped, freeing its memory before a
    /// new one is built.
    static func take(for region: Region, layout: FolioLayout) -> SimulatedMemory? {
        shelf.withLock { shelved in
            defer { shelved = nil }
            guard let memory = shelved, layout.isSynthetic, memory.layout == layout, memory.kind == region.kind,
                  memory.size == region.size,
                  memory.address % PageSize.pud.bytes == region.address % PageSize.pud.bytes
            else { return nil }
            return memory
        }
    }

    /// Shelves `memory` if its last unpin left it clean and its layout can be reused.
    static func put(_ memory: SimulatedMemory) {
        guard memory.isClean, memory.layout.isSynthetic else { return }
        shelf.withLock { $0 = memory }
    }

    /// Drops the shelved simulation (tests that measure memory, and the end of a command).
    static func empty() {
        shelf.withLock { $0 = nil }
    }
}
