import PinCore
import PinSystem
import Synchronization

/// The rings holding one IOVA entry's pins in the shim. Workers of a split map call add
/// pieces concurrently, so the list is locked.
final class MappingPins: @unchecked Sendable {
    /// One ring and the part of the mapping it pins (`offset` from the mapping's start).
    struct Piece: @unchecked Sendable {
        var offset: Int
        var length: Int
        /// Base pages charged to `locked_vm` for it.
        var pages: Int
        var ring: FixedBufferRing
    }

    let vaddr: Int
    let length: Int
    let iova: UInt64
    private let pieces = Mutex<[Piece]>([])
    private let firstFailure = Mutex<SystemError?>(nil)

    init(vaddr: Int, length: Int, iova: UInt64) {
        self.vaddr = vaddr
        self.length = length
        self.iova = iova
    }

    func add(_ piece: Piece) { pieces.withLock { $0.append(piece) } }

    var ringCount: Int { pieces.withLock { $0.count } }

    func recordFailure(_ error: SystemError) { firstFailure.withLock { if $0 == nil { $0 = error } } }

    var failure: SystemError? { firstFailure.withLock { $0 } }

    /// An error when the pieces do not cover the mapping exactly once (a split that skipped a chunk).
    func coverageFailure() -> SystemError? {
        let sorted = pieces.withLock { $0 }.sorted { $0.offset < $1.offset }
        var next = 0
        for piece in sorted {
            guard piece.offset == next else { break }
            next += piece.length
        }
        guard next != length else { return nil }
        return SystemError("map of \(ByteSize(length))", errno: 5 /* EIO */,
                           hint: "the split pinned \(ByteSize(next)) contiguous from the start; a chunk was skipped")
    }

    /// Unpins every ring; returns the pages they had charged.
    @discardableResult
    func unregisterAll() -> Int {
        pieces.withLock { pieces in
            for piece in pieces { try? piece.ring.unregister() }
            defer { pieces.removeAll() }
            return pieces.reduce(0) { $0 + $1.pages }
        }
    }

    /// What the kernel lists as registered in this entry's rings: the bytes, and whether each
    /// ring lists exactly the range it registered (nil where a kernel lists no buffers).
    func kernelListed() throws(SystemError) -> (bytes: Int, exact: Bool)? {
        let pieces = pieces.withLock { $0 }
        var bytes = 0, exact = true
        for piece in pieces {
            guard let list = try piece.ring.kernelList() else { return nil }
            bytes += list.bytes
            let listed = list.buffers.map { (Int(truncatingIfNeeded: $0.address), $0.length) }
            exact = exact && listed.elementsEqual(piece.ring.registered) { $0.0 == $1.address && $0.1 == $1.length }
        }
        return (bytes, exact)
    }

    /// Hands the pieces over for unmapping, with offsets made relative to the IOVA `base`.
    func takeRings(relativeTo base: UInt64) -> [Piece] {
        pieces.withLock { pieces in
            defer { pieces.removeAll() }
            return pieces.map { piece in
                var moved = piece
                moved.offset = Int(iova - base) + piece.offset
                return moved
            }
        }
    }

    /// The bytes pinned, and the bytes once each ring's ranges are rounded out to `folio`
    /// and merged (the compound pages io_uring charges whole, once per ring).
    func pinnedBytes(roundedTo folio: Int) -> (bytes: Int, rounded: Int) {
        pieces.withLock { pieces in
            var bytes = 0, rounded = 0
            for piece in pieces {
                // A piece is one ring; its buffers are contiguous, so one range per ring.
                let start = (vaddr + piece.offset) / folio * folio
                let end = (vaddr + piece.offset + piece.length + folio - 1) / folio * folio
                bytes += piece.length
                rounded += end - start
            }
            return (bytes, rounded)
        }
    }
}
