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
                return Row(variant: parts[0], phase: parts[1], worker: index, cpu: seen.last!.cpu, node: seen.last!.node,
                           startSeconds: median(\.startSeconds), endSeconds: median(\.endSeconds),
                           busySeconds: median(\.busySeconds), chunks: median { Double($0.chunks) },
                           pages: median { Double($0.pages) }, folios: median { Double($0.folios) })
            }
        }
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// A caption and the table; empty when no run has in-kernel times.
    func document() -> ReportDocument {
        guard !isEmpty else { return ReportDocument() }
        var table = TextTable(columns: [
            .init("strategy", .left), .init("phase", .left), .init("worker"), .init("cpu/node"), .init("start"), .init("end"),
            .init("busy"), .init("chunks"), .init("pages"), .init("folio runs"),
        ], keyColumns: 3)
        for row in rows {
            table.append([
                row.variant, row.phase, String(row.worker), "\(row.cpu)/\(row.node)",
                DurationFormat.seconds(row.startSeconds), DurationFormat.seconds(row.endSeconds),
                DurationFormat.seconds(row.busySeconds), Self.count(row.chunks), Self.count(row.pages), Self.count(row.folios),
            ])
        }
        return ReportDocument([
            .line("In-kernel per worker (module ktime, median; worker 0 is the calling thread):"), .blank, .table(table),
        ])
    }

    /// A Markdown table (empty string when no run has in-kernel times).
    public func markdown() -> String { document().markdown() }

    static func count(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 0x1p62 else { return "-" }
        return value == value.rounded() ? String(Int(value)) : formatDecimal(value, digits: 1)
    }
}
