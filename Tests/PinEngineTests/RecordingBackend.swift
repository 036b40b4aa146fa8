import PinBackends
import PinContract
import PinCore
import PinSystem
import Synchronization

/// A backend that touches nothing and records every chunk it is handed, per phase.
final class RecordingBackend: PinBackend, @unchecked Sendable {
    let pinned = Mutex<[Chunk]>([])
    let unpinned = Mutex<[Chunk]>([])
    let failAt: Int?

    init(failAt offset: Int? = nil) { self.failAt = offset }

    func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        if let failAt, chunk.offset <= failAt, failAt < chunk.end { throw SystemError("pin (test)", errno: 5) }
        pinned.withLock { $0.append(chunk) }
    }

    func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        unpinned.withLock { $0.append(chunk) }
    }

    func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification {
        Verification(passed: true, detail: "recorded")
    }

    func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification {
        Verification(passed: true, detail: "recorded")
    }

    /// How often each base page was handed over.
    static func pageCounts(_ chunks: [Chunk], size: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: size / 4096)
        for chunk in chunks {
            for page in (chunk.offset / 4096)..<(chunk.end / 4096) { counts[page] += 1 }
        }
        return counts
    }
}
