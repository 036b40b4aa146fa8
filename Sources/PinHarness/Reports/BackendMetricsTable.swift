import PinBackends
import PinContract
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

    public var columns: [String]
    public var rows: [Row]
    /// Facts every run shared (the mapper, the memlock rule), from the first record.
    public var notes: [String: String]

    public init(records: [RunRecord]) {
        let measured = records.filter { !$0.warmup && $0.verified && $0.backendMetrics != nil }
        var order: [String] = []
        var groups: [String: [BackendMetrics]] = [:]
        for record in measured {
            if groups[record.variant.description] == nil { order.append(record.variant.description) }
            groups[record.variant.description, default: []].append(record.backendMetrics!)
        }
        // Dirty tracking's figures have their own table (DirtyTrackingTable).
        let names = Set(groups.values.flatMap { $0.flatMap(\.values.keys) }).filter { !DirtyMetric.owns($0) }
        // The backends' declared order first (catalog order, each backend's own), then any a
        // record carries that no backend here declares, by name.
        let declared = Backends.catalog.metrics.map(\.name)
        columns = declared.filter(names.contains) + names.subtracting(declared).sorted()
        rows = order.map { variant in
            var medians: [String: Double] = [:]
            for name in names {
                if let statistics = Statistics(groups[variant]!.compactMap { $0.values[name] }) { medians[name] = statistics.median }
            }
            return Row(variant: variant, medians: medians)
        }
        notes = (measured.first?.backendMetrics?.notes ?? [:]).filter { $0.key != DirtyMetric.tracker.name && $0.key != DirtyMetric.pageSizes.name }
    }

    public var isEmpty: Bool { rows.isEmpty || columns.isEmpty }

    /// The table, then a line per note; empty when no run reported metrics.
    func document() -> ReportDocument {
        guard !isEmpty else { return ReportDocument() }
        // Each column's declaration looked up once: the heading and the unit come from it.
        let catalog = Backends.catalog
        let metrics = columns.map { catalog.metric(named: $0) }
        var table = TextTable(columns: [.init("backend (median)", .left)] + metrics.map { .init($0.heading) })
        for row in rows {
            table.append([row.variant] + metrics.map { metric in row.medians[metric.name].map { Self.format($0, unit: metric.unit) } ?? "-" })
        }
        var document = ReportDocument([.table(table)])
        for key in notes.keys.sorted() { document += [.blank, .line("\(key): \(notes[key]!)")] }
        return document
    }

    /// A Markdown table (empty string when no run reported metrics), then the notes.
    public func markdown() -> String { document().markdown() }

    /// Seconds as a duration, bytes as a size, counts as whole numbers, as the metric is declared.
    static func format(_ value: Double, unit: Metric.Unit) -> String {
        if value == 0 { return "0" }
        // Int(_:) traps past Int's range: a metric that large (or infinite) is no figure.
        guard value.isFinite, abs(value) < 0x1p62 else { return "-" }
        switch unit {
        case .seconds: return DurationFormat.seconds(value)
        case .bytes: return ByteSize(Int(value.rounded())).description
        case .count: return value == value.rounded() ? String(Int(value)) : formatDecimal(value, digits: 1)
        }
    }
}
