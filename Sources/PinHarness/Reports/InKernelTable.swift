import PinBackends
import PinContract
import PinCore
import PinSystem

/// The kernel's own timing of every worker (the `kmod` backend), as medians per strategy,
/// phase and worker over verified measured runs: when each worker started and ended after its
/// call began, how long it worked, and what it took. For `single` and `user` each slice is its
/// own call with one worker, so worker `i` is slice `i`; for `kernel` worker 0 is the caller
/// and the others are kworkers of the one call.
public struct InKernelTable: Sendable {
    public struct Row: Sendable, Equatable, Encodable {
        public var variant: String
        public var phase: String
        public var worker: Int
        /// Where the worker ran in the last run (CPU and node).
        public var cpu: Int
        public var node: Int
        public var startSeconds: Double
        public var endSeconds: Double
        public var busySeconds: Double
        public var chunks: Double
        public var pages: Double
        public var folios: Double
        /// The worker's phases (nil from a module before uAPI 4): pin: in the pin calls, adding
        /// run records, in `iommu_map`; unpin: unpinning and `iommu_unmap`. Map is nil when
        /// nothing was mapped.
        public var gupSeconds: Double?
        public var recordSeconds: Double?
        public var mapSeconds: Double?
        public var mapCalls: Double?
    }

    public var rows: [Row]

    public init(records: [RunRecord]) {
        var order: [String] = []
        var samples: [String: [[PinBenchModule.Worker]]] = [:]
        for record in records where !record.warmup && record.verified {
            guard let times = record.backendMetrics?.inKernel else { continue }
            for (phase, calls) in [("pin", times.pin), ("unpin", times.unpin)] {
                let key = "\(record.variant)\u{0}\(phase)"
                if samples[key] == nil { order.append(key) }
                samples[key, default: []].append(InKernelTimes.workers(calls))
            }
        }
        rows = order.flatMap { key -> [Row] in
            let parts = key.split(separator: "\u{0}").map(String.init)
            let runs = samples[key]!
            let workers = runs.map(\.count).max() ?? 0
            return (0..<workers).map { index in
                let seen = runs.compactMap { index < $0.count ? $0[index] : nil }
                func median(_ value: (PinBenchModule.Worker) -> Double) -> Double { Statistics(seen.map(value))?.median ?? 0 }
                func known(_ value: (PinBenchModule.Worker) -> Double?) -> Double? { Statistics(seen.compactMap(value))?.median }
                let mapped = seen.contains { ($0.mapCalls ?? 0) > 0 }
                return Row(variant: parts[0], phase: parts[1], worker: index, cpu: seen.last!.cpu, node: seen.last!.node,
                           startSeconds: median(\.startSeconds), endSeconds: median(\.endSeconds),
                           busySeconds: median(\.busySeconds), chunks: median { Double($0.chunks) },
                           pages: median { Double($0.pages) }, folios: median { Double($0.folios) },
                           gupSeconds: known(\.gupSeconds), recordSeconds: parts[1] == "pin" ? known(\.recordSeconds) : nil,
                           mapSeconds: mapped ? known(\.mapSeconds) : nil,
                           mapCalls: mapped ? known { $0.mapCalls.map(Double.init) } : nil)
            }
        }
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// A caption and the table; empty when no run has in-kernel times.
    func document() -> ReportDocument {
        guard !isEmpty else { return ReportDocument() }
        // The phase columns only where some run has them: records from before uAPI 4, and runs
        // that mapped nothing, keep the table they had.
        let phased = rows.contains { $0.gupSeconds != nil }
        let mapped = rows.contains { $0.mapSeconds != nil }
        var columns: [TextTable.Column] = [
            .init("strategy", .left), .init("phase", .left), .init("worker"), .init("cpu/node"), .init("start"), .init("end"),
            .init("busy"),
        ]
        if phased { columns += [.init("gup/unpin"), .init("records")] }
        if mapped { columns += [.init("map/unmap"), .init("map calls")] }
        columns += [.init("chunks"), .init("pages"), .init("folio runs")]
        var table = TextTable(columns: columns, keyColumns: 3)
        let time = { (value: Double?) in value.map(DurationFormat.seconds) ?? "-" }
        for row in rows {
            var cells = [
                row.variant, row.phase, String(row.worker), "\(row.cpu)/\(row.node)",
                DurationFormat.seconds(row.startSeconds), DurationFormat.seconds(row.endSeconds),
                DurationFormat.seconds(row.busySeconds),
            ]
            if phased { cells += [time(row.gupSeconds), time(row.recordSeconds)] }
            if mapped { cells += [time(row.mapSeconds), row.mapCalls.map(Self.count) ?? "-"] }
            cells += [Self.count(row.chunks), Self.count(row.pages), Self.count(row.folios)]
            table.append(cells)
        }
        var caption = "In-kernel per worker (module ktime, median; worker 0 is the calling thread)"
        if phased { caption += "; gup/unpin is the time in the pin (unpin) calls, records in the module's run records" }
        if mapped { caption += ", map/unmap in iommu_map (iommu_unmap, each chunk before its unpin)" }
        return ReportDocument([.line(caption + ":"), .blank, .table(table)])
    }

    /// A Markdown table (empty string when no run has in-kernel times).
    public func markdown() -> String { document().markdown() }

    static func count(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 0x1p62 else { return "-" }
        return value == value.rounded() ? String(Int(value)) : formatDecimal(value, digits: 1)
    }
}
