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

    /// What the backend saw during the run that just ended (verification included), then
    /// forgotten; nil for backends with nothing to add.
    func takeRunMetrics() -> BackendMetrics?

    /// What the region under test must be: memory (every real backend) or address space only
    /// (a simulated range, which needs no memory of its size).
    var regionBacking: Region.Backing { get }

    /// Checks, before any memory is used, that the machine can hold what the backend itself
    /// needs for a region of `size` bytes of `kind` (the region's own memory is checked apart).
    func checkCapacity(kind: MemoryKind, size: ByteSize) throws(SystemError)

    /// Untimed set-up for one region before its pin phase.
    func prepare(_ region: Region) throws(SystemError)

    /// Called once the job on `region` is over (after `takeRunMetrics`): drop what `prepare` made.
    func finish(_ region: Region)
}

extension PinBackend {
    public func takeRunMetrics() -> BackendMetrics? { nil }
    public var regionBacking: Region.Backing { .memory }
    public func checkCapacity(kind: MemoryKind, size: ByteSize) throws(SystemError) {}
    public func prepare(_ region: Region) throws(SystemError) {}
    public func finish(_ region: Region) {}
}

/// The backends `pinbench run --backend` accepts.
public enum BackendKind: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// `madvise(MADV_POPULATE_WRITE)` (or `_READ`), released with `MADV_DONTNEED`.
    case populate
    /// `mlock` / `munlock`.
    case mlock
    /// One written byte per page, released with `MADV_DONTNEED` (QEMU's fallback path).
    case touch
    /// DMA map / unmap with VFIO semantics (`--vfio shim|type1:<group>|iommufd:<device>`).
    case vfio
    /// Simulated GUP over a simulated memmap and page table (`--gup per-page|folio`).
    case foliosim
    /// PinBench's kernel module (`/dev/pinbench`): pins in the kernel, `kernel` with kworkers
    /// (`--gup remote|fast|memfd`, `--gup-batch`, `--unpin per-page|folio`).
    case kmod

    public var description: String { rawValue }
}

/// Options that shape a backend's behaviour.
public struct BackendOptions: Sendable, Equatable {
    /// `populate` only: `MADV_POPULATE_READ` instead of `_WRITE`.
    public var populateRead: Bool
    /// `vfio` only: which mapper, and the shim's models.
    public var vfio: VFIOOptions
    /// `foliosim` only: pin and unpin modes and the folio layout.
    public var foliosim: FolioSimOptions
    /// `kmod` only: the module's pin path, batch and unpin mode.
    public var kmod: KmodOptions

    public init(populateRead: Bool = false, vfio: VFIOOptions = VFIOOptions(), foliosim: FolioSimOptions = FolioSimOptions(),
                kmod: KmodOptions = KmodOptions()) {
        self.populateRead = populateRead
        self.vfio = vfio
        self.foliosim = foliosim
        self.kmod = kmod
    }
}

extension BackendKind {
    /// Builds the backend of this kind; `vfio` opens its container or device here, so a
    /// machine without one fails before any memory is used.
    public func make(options: BackendOptions = BackendOptions()) throws(SystemError) -> any PinBackend {
        switch self {
        case .populate: return PopulateBackend(advice: options.populateRead ? .read : .write)
        case .mlock: return MlockBackend()
        case .touch: return TouchBackend()
        case .vfio: return try VFIOBackend(options: options.vfio)
        case .foliosim: return FolioSimBackend(options: options.foliosim)
        case .kmod: return try KmodBackend(options: options.kmod)
        }
    }
}
