import PinBackends
import PinCore

/// The figures a backend reported beside the timings (vfio: map calls, `locked_vm` updates,
/// container lock time, physical runs), as medians per row over verified measured runs, so a
/// table can say why a strategy was fast or slow.
public struct BackendMetricsTable: Sendable {
    public struct Row: Sendable, Equatable, Encodable {
        public var variant: String
        /// Median per metric name.
        public var medians: [String: Double]
    }

    /// Column order: the names in `preferredOrder` first, then any others alphabetically.
    public static let preferredOrder = [
        "mapCalls", "unmapCalls", "peakIOVAEntries", "rings", "lockedVMUpdates", "containerLockSeconds",
        "pinnedUnderContainerLockBytes", "maxConcurrentPinners", "physicalRuns", "longestPhysicalRunBytes",
        "folios", "pinGrabs", "pinAtomics", "casRetries", "unpinPuts", "cutsInsideFolio",
        "kernelCalls", "inKernelPinSeconds", "inKernelUnpinSeconds",
    ]

    public var columns: [String]
    public var rows: [Row]
    /// Facts every run shared (the mapper, the memlock rule), from the first record.
    public var notes: [String: String]

    public init(records: [RunRecord]) {
        let measured = records.filter { !$0.warmup && $0.verified && $0.backendMetrics != nil }
        var order: [String] = []
        var groups: [String: [BackendMetrics]] = [:]
        for record in measured {
            if groups[record.variant] == nil { order.append(record.variant) }
            groups[record.variant, default: []].append(record.backendMetrics!)
        }
        let names = Set(groups.values.flatMap { $0.flatMap(\.values.keys) })
        columns = Self.preferredOrder.filter(names.contains) + names.subtracting(Self.preferredOrder).sorted()
        rows = order.map { variant in
            var medians: [String: Double] = [:]
            for name in names {
                if let statistics = Statistics(groups[variant]!.compactMap { $0.values[name] }) { medians[name] = statistics.median }
            }
            return Row(variant: variant, medians: medians)
        }
        notes = measured.first?.backendMetrics?.notes ?? [:]
    }

    public var isEmpty: Bool { rows.isEmpty || columns.isEmpty }

    /// The table, then a line per note; empty when no run reported metrics.
    func document() -> ReportDocument {
        guard !isEmpty else { return ReportDocument() }
        var table = TextTable(columns: [.init("backend (median)", .left)] + columns.map { .init(Self.heading($0)) })
        for row in rows {
            table.append([row.variant] + columns.map { name in row.medians[name].map { Self.format($0, name: name) } ?? "-" })
        }
        var document = ReportDocument([.table(table)])
        for key in notes.keys.sorted() { document += [.blank, .line("\(key): \(notes[key]!)")] }
        return document
    }

    /// A Markdown table (empty string when no run reported metrics), then the notes.
    public func markdown() -> String { document().markdown() }

    /// Column headings for the known metrics; others show their name.
    static let headings = [
        "mapCalls": "map calls", "unmapCalls": "unmap calls", "peakIOVAEntries": "peak IOVA entries",
        "rings": "rings", "lockedVMUpdates": "locked_vm updates", "containerLockSeconds": "container lock held",
        "pinnedUnderContainerLockBytes": "pinned under lock", "maxConcurrentPinners": "max concurrent pinners",
        "physicalRuns": "physical runs", "longestPhysicalRunBytes": "longest run",
        "folios": "folios", "pinGrabs": "pin grabs", "pinAtomics": "pin atomics", "casRetries": "CAS retries",
        "unpinPuts": "unpin puts", "cutsInsideFolio": "cuts inside folio",
        "kernelCalls": "module calls", "inKernelPinSeconds": "in-kernel pin", "inKernelUnpinSeconds": "in-kernel unpin",
    ]

    static func heading(_ name: String) -> String { headings[name] ?? name }

    /// Seconds as a duration, bytes as a size, counts as whole numbers.
    static func format(_ value: Double, name: String) -> String {
        if value == 0 { return "0" }
        if name.hasSuffix("Seconds") { return DurationFormat.seconds(value) }
        if name.hasSuffix("Bytes") { return ByteSize(Int(value.rounded())).description }
        return value == value.rounded() ? String(Int(value)) : formatDecimal(value, digits: 1)
    }
}
