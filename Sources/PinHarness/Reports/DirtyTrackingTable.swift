import PinBackends
import PinContract
import PinCore

/// What `--dirty-tracking` measured, per run (strategy, memory, size): each step's median time,
/// per GiB of mapped memory and per byte of bitmap, and beside the bitmap reads the floor no read
/// can beat, the bitmap's bytes at this machine's copy bandwidth. For type1 the run's unpin phase
/// (the plain unmap of the same mappings) stands beside the unmap with bitmap. Rows of the mock
/// domain say MOCK: their times are the kernel's bitmap walk and copy-out, never hardware's.
public struct DirtyTrackingTable: Sendable {
    public struct Row: Sendable, Equatable, Encodable {
        public var run: String
        public var sizeBytes: Int
        public var mock: Bool
        /// Median seconds per step metric name, and `plainUnmap` for the unpin phase.
        public var medians: [String: Double]
        public var bitmapBytes: Double
        /// Bytes per second of a `memcpy` on the machine that ran (median over the runs).
        public var copyBandwidth: Double?
        public var runs: Int
    }

    /// The key of the unpin phase's median among a row's medians.
    public static let plainUnmap = "plainUnmapSeconds"

    public var rows: [Row]
    /// The trackers' facts (page sizes taken), from the first record of each tracker.
    public var notes: [String]

    public init(records: [RunRecord]) {
        let measured = records.filter { !$0.warmup && $0.verified && $0.backendMetrics?[DirtyMetric.bitmapBytes] != nil }
        var order: [String] = []
        var groups: [String: [RunRecord]] = [:]
        for record in measured {
            let mock = record.backendMetrics?[DirtyMetric.tracker]?.hasPrefix("MOCK") == true
            let key = "\(record.variant) · \(record.memory) · \(ByteSize(record.sizeBytes))" + (mock ? " · MOCK" : "")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(record)
        }
        rows = order.map { key in
            let group = groups[key]!
            var medians: [String: Double] = [:]
            for metric in DirtyStep.allCases.map(\.metric) {
                if let statistics = Statistics(group.compactMap { $0.backendMetrics?[metric] }) { medians[metric.name] = statistics.median }
            }
            if medians[DirtyMetric.unmapWithBitmap.name] != nil, let statistics = Statistics(group.map(\.unpinSeconds)) {
                medians[Self.plainUnmap] = statistics.median
            }
            return Row(run: key, sizeBytes: group[0].sizeBytes, mock: key.hasSuffix("MOCK"), medians: medians,
                       bitmapBytes: group[0].backendMetrics?[DirtyMetric.bitmapBytes] ?? 0,
                       copyBandwidth: Statistics(group.compactMap { $0.backendMetrics?[DirtyMetric.copyBandwidth] })?.median,
                       runs: group.count)
        }
        var seen: Set<String> = []
        notes = measured.compactMap { record -> String? in
            guard let tracker = record.backendMetrics?[DirtyMetric.tracker], seen.insert(tracker).inserted else { return nil }
            return tracker + (record.backendMetrics?[DirtyMetric.pageSizes].map { "; bitmap page sizes: \($0)" } ?? "")
        }
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// The steps in table order, each with its label.
    static let steps: [(name: String, label: String, read: Bool)] = [
        (DirtyMetric.start.name, "start", false),
        (DirtyMetric.readNoClear.name, "read (no clear)", true),
        (DirtyMetric.read.name, "read", true),
        (DirtyMetric.readAfterClear.name, "read after clear", true),
        (DirtyMetric.stop.name, "stop", false),
        (DirtyMetric.unmapWithBitmap.name, "unmap with bitmap", false),
        (plainUnmap, "plain unmap (unpin phase)", false),
    ]

    /// Seconds per GiB of `bytes`.
    static func perGiB(_ seconds: Double, bytes: Int) -> Double { seconds / (Double(bytes) / Double(1 << 30)) }

    /// The floor of one bitmap read per GiB: the bitmap of a GiB at `bitmapBytes / size` bytes
    /// per mapped byte, copied at `bandwidth`.
    static func floorPerGiB(_ row: Row) -> Double? {
        guard let bandwidth = row.copyBandwidth, bandwidth > 0, row.sizeBytes > 0 else { return nil }
        return row.bitmapBytes / (Double(row.sizeBytes) / Double(1 << 30)) / bandwidth
    }

    func document() -> ReportDocument {
        guard !isEmpty else { return ReportDocument() }
        var table = TextTable(columns: [.init("dirty tracking (median)", .left), .init("step", .left), .init("time"),
                                        .init("per GiB"), .init("per bitmap byte"), .init("floor per GiB")])
        for row in rows {
            let floor = Self.floorPerGiB(row)
            for step in Self.steps {
                guard let seconds = row.medians[step.name] else { continue }
                table.append([
                    row.run, step.label, DurationFormat.seconds(seconds),
                    DurationFormat.seconds(Self.perGiB(seconds, bytes: row.sizeBytes)),
                    row.bitmapBytes > 0 ? "\(formatDecimal(seconds / row.bitmapBytes * 1e9, digits: 2)) ns" : "-",
                    step.read ? floor.map(DurationFormat.seconds) ?? "-" : "",
                ])
            }
        }
        var document = ReportDocument([.table(table), .blank])
        if let row = rows.first, let bandwidth = row.copyBandwidth, bandwidth > 0 {
            document += [.line("floor: a bitmap of 1 GiB at 4K pages is 32K; at this machine's memcpy bandwidth "
                + "(\(formatDecimal(bandwidth / 1e9, digits: 2)) GB/s, best of 5 copies of 64M) it copies in "
                + "\(DurationFormat.seconds(32768 / bandwidth)).")]
        }
        if rows.contains(where: \.mock) {
            document += [.line("MOCK rows: iommufd's selftest mock domain (CONFIG_IOMMUFD_TEST): its page table is software "
                + "(an xarray in 6.12, the AMDv1 format in 7.2, 2K granule), its dirty bits set by IOMMU_TEST_OP_DIRTY; "
                + "the times are the kernel's bitmap walk and copy-out, never an IOMMU's.")]
        }
        for note in notes { document += [.line("tracker: \(note)")] }
        return document
    }

    /// As Markdown (empty when no run tracked dirty pages).
    public func markdown() -> String { document().markdown() }
}
