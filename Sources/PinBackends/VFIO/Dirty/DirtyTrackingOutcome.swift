import PinContract

/// One timed step of a dirty-tracking pass, as a metric of the run record.
public enum DirtyStep: String, Sendable, CaseIterable {
    /// Tracking switched on (type1: FLAG_START, a bitmap allocated per mapping; iommufd:
    /// SET_DIRTY_TRACKING on, the IOMMU's dirty bits cleared).
    case start
    /// A read that leaves the bits (iommufd's `IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR`).
    case readNoClear
    /// A read that clears what it reports (type1's FLAG_GET_BITMAP, which re-marks every
    /// pinned page at once; iommufd's plain GET_DIRTY_BITMAP).
    case read
    /// The next read after a clearing one (type1: every pinned page again; iommufd: none).
    case readAfterClear
    /// Tracking switched off.
    case stop
    /// type1's migration last pass: `VFIO_IOMMU_UNMAP_DMA` with
    /// `VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP` of the whole range (the run's unpin phase times
    /// the plain unmap of the same range).
    case unmapWithBitmap

    /// The run record's metric for this step's seconds.
    public var metric: Metric {
        switch self {
        case .start: DirtyMetric.start
        case .readNoClear: DirtyMetric.readNoClear
        case .read: DirtyMetric.read
        case .readAfterClear: DirtyMetric.readAfterClear
        case .stop: DirtyMetric.stop
        case .unmapWithBitmap: DirtyMetric.unmapWithBitmap
        }
    }
}

/// What one dirty-tracking pass measured and found.
public struct DirtyTrackingOutcome: Sendable {
    /// Seconds per step that ran.
    public var seconds: [DirtyStep: Double] = [:]
    /// The bytes of one bitmap of the whole range at the base page size.
    public var bitmapBytes = 0
    /// Every bitmap read checked (untimed); a failed step fails it too.
    public var verification = Verification(passed: true, detail: "")
    /// Facts of the pass ("bitmap page sizes: 4K accepted, 2M refused (EINVAL)").
    public var notes: [BackendFact: String] = [:]

    public init() {}

    /// Adds `check` to the verification.
    public mutating func check(_ check: Verification) {
        verification = verification.detail.isEmpty ? check : verification.and(check)
    }
}

/// The figures and facts of a dirty-tracking pass, in the run record's backend metrics.
public enum DirtyMetric {
    public static let start = Metric("dirtyStartSeconds", unit: .seconds, heading: "dirty start")
    public static let readNoClear = Metric("dirtyReadNoClearSeconds", unit: .seconds, heading: "dirty read (no clear)")
    public static let read = Metric("dirtyReadSeconds", unit: .seconds, heading: "dirty read")
    public static let readAfterClear = Metric("dirtyReadAfterClearSeconds", unit: .seconds, heading: "dirty read after clear")
    public static let stop = Metric("dirtyStopSeconds", unit: .seconds, heading: "dirty stop")
    public static let unmapWithBitmap = Metric("dirtyUnmapWithBitmapSeconds", unit: .seconds, heading: "unmap with bitmap")
    public static let bitmapBytes = Metric("dirtyBitmapBytes", unit: .bytes, heading: "bitmap")
    /// This machine's memory copy bandwidth in bytes per second (`CopyBandwidth`), for the floor.
    public static let copyBandwidth = Metric("copyBandwidthBytesPerSecond", heading: "copy bandwidth (B/s)")

    /// The tracker, and for the mock that its figures are no hardware's.
    public static let tracker = BackendFact("dirtyTracker")
    /// Which bitmap page sizes the kernel took (type1 offers several and takes the smallest).
    public static let pageSizes = BackendFact("dirtyBitmapPageSizes")

    /// Every metric, in table order.
    public static let all: [Metric] = DirtyStep.allCases.map(\.metric) + [bitmapBytes, copyBandwidth]

    /// Whether a record's metric `name` belongs to dirty tracking (its own table shows it).
    public static func owns(_ name: String) -> Bool { all.contains { $0.name == name } }
}
