import PinCore
import PinSystem

/// What is done to a chunk of a region. Implementations must be safe to call concurrently
/// on disjoint chunks of one region: the engine's threads share the backend.
public protocol PinBackend: Sendable {
    var kind: BackendKind { get }

    /// Makes `chunk` of `region` resident and, where the backend does so, locked or pinned.
    func pin(_ region: Region, _ chunk: Chunk) throws(SystemError)

    /// Undoes `pin` on `chunk`.
    func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError)

    /// Checks the whole region after the pin phase (untimed). `baseline` is
    /// `/proc/self/status` as read just before the pin phase.
    func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification

    /// Checks the whole region after the unpin phase (untimed).
    func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification
}

/// The backends `pinbench run --backend` accepts.
public enum BackendKind: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// `madvise(MADV_POPULATE_WRITE)` (or `_READ`), released with `MADV_DONTNEED`.
    case populate
    /// `mlock` / `munlock`.
    case mlock
    /// One written byte per page, released with `MADV_DONTNEED` (QEMU's fallback path).
    case touch

    public var description: String { rawValue }
}

/// Options that shape a backend's behaviour.
public struct BackendOptions: Sendable, Equatable {
    /// `populate` only: `MADV_POPULATE_READ` instead of `_WRITE`.
    public var populateRead: Bool

    public init(populateRead: Bool = false) {
        self.populateRead = populateRead
    }
}

extension BackendKind {
    /// Builds the backend of this kind.
    public func make(options: BackendOptions = BackendOptions()) -> any PinBackend {
        switch self {
        case .populate: return PopulateBackend(advice: options.populateRead ? .read : .write)
        case .mlock: return MlockBackend()
        case .touch: return TouchBackend()
        }
    }
}
