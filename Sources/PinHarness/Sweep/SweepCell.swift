import PinBackends
import PinContract
import PinCore

/// One point of a sweep: a backend, memory kind, size, strategy and thread count, measured
/// once per round. `single` does not depend on threads, so its cell is always at 1 thread and
/// every thread count's speedup is taken over that one cell.
public struct SweepCell: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var backend: BackendID
    public var memory: MemoryKind
    public var size: ByteSize
    public var strategy: Strategy
    public var threads: Int

    public init(backend: BackendID, memory: MemoryKind, size: ByteSize, strategy: Strategy, threads: Int) {
        self.backend = backend
        self.memory = memory
        self.size = size
        self.strategy = strategy
        self.threads = strategy == .single ? 1 : threads
    }

    /// `populate/thp/2G/kernel/8`: written into each record as `cell`, and what resume matches.
    public var id: String { "\(backend)/\(memory)/\(size)/\(strategy)/\(threads)" }

    public var description: String { id }

    /// The cell a record belongs to.
    public init(record: RunRecord) {
        self.init(backend: record.backend, memory: record.memory, size: ByteSize(record.sizeBytes), strategy: record.strategy,
                  threads: record.threads)
    }

    /// The table a cell's numbers go in: one per backend, memory kind and size.
    public var group: SweepGroup { SweepGroup(backend: backend, memory: memory, size: size) }

    public static func < (lhs: SweepCell, rhs: SweepCell) -> Bool {
        if lhs.group != rhs.group { return lhs.group < rhs.group }
        if lhs.strategy != rhs.strategy {
            return Strategy.allCases.firstIndex(of: lhs.strategy)! < Strategy.allCases.firstIndex(of: rhs.strategy)!
        }
        return lhs.threads < rhs.threads
    }
}

/// A backend, memory kind and size: the unit of a summary table and a plot.
public struct SweepGroup: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var backend: BackendID
    public var memory: MemoryKind
    public var size: ByteSize

    public var description: String { "\(backend), \(memory), \(size)" }

    /// A name safe for files: `populate-thp-2G`.
    public var fileStem: String { "\(backend)-\(memory)-\(size)" }

    public static func < (lhs: SweepGroup, rhs: SweepGroup) -> Bool {
        if lhs.backend != rhs.backend { return Backends.catalog.precedes(lhs.backend, rhs.backend) }
        if lhs.memory != rhs.memory {
            return MemoryKind.allCases.firstIndex(of: lhs.memory)! < MemoryKind.allCases.firstIndex(of: rhs.memory)!
        }
        return lhs.size < rhs.size
    }
}
