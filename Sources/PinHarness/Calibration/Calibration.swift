import PinBackends
import PinContract
import PinCore
import PinSystem

/// `pinbench calibrate`: what foliosim's per-page pin costs per 4 KiB page against real pins
/// on this machine, as ratios measured in one interleaved run, so a reader can scale the
/// model's times to this kernel (and see how far apart they are).
public struct Calibration: Sendable {
    /// One way of pinning that is measured.
    public struct Method: Sendable {
        public var name: String
        public var configuration: RunConfiguration
        /// Time the pin by the kernel's own clock (the module's `inKernelPinSeconds`), not the
        /// userspace wall time around the call.
        public var inKernel = false
    }

    /// One measured method on one memory kind.
    public struct Row: Sendable, Equatable {
        public var memory: MemoryKind
        public var method: String
        /// Median pin time per 4 KiB page, in seconds; nil when the method could not run.
        public var secondsPerPage: Double?
        /// `secondsPerPage` over foliosim per-page's on the same memory.
        public var ratio: Double?
        /// Measured runs, and how many of them verified.
        public var runs: Int
        public var verified: Int
        /// Why the method did not run, if it did not.
        public var refusal: String?

        /// "7/7 verified", or why the method did not run.
        public var status: String { refusal.map { "not run: \($0)" } ?? "\(verified)/\(runs) verified" }
    }

    public var memory: [MemoryKind]
    public var size: ByteSize
    public var repetitions: Int
    public var warmups: Int
    /// Also measure the module's pin and map into this device's domain (`--map-device`).
    public var kmodMap: KmodOptions.Map?

    public init(memory: [MemoryKind] = [.anon], size: ByteSize = .mib(512), repetitions: Int = 7, warmups: Int = 1,
                kmodMap: KmodOptions.Map? = nil) {
        self.memory = memory
        self.size = size
        self.repetitions = repetitions
        self.warmups = warmups
        self.kmodMap = kmodMap
    }

    /// The reference method, whose rows are 1.00x.
    public static let reference = "foliosim per-page"

    /// What is compared on `kind`: the model per page and per folio, the shim's io_uring pin,
    /// `MADV_POPULATE_WRITE` and PinBench's module timed in the kernel, the last three on memory
    /// populated before the timed phase (the module's row says why where it is not loaded).
    public func methods(for kind: MemoryKind) -> [Method] {
        func configuration(_ options: any BackendOptions, prefault: Bool) -> RunConfiguration {
            RunConfiguration(backendOptions: options, strategies: [.single], threads: 1, size: size,
                             memory: kind, prefault: prefault, repetitions: repetitions, warmups: warmups)
        }
        let mapped = kmodMap.map { map in
            Method(name: "kmod pin_user_pages_remote + iommu_map into \(map.device), in-kernel time, prefaulted",
                   configuration: configuration(KmodOptions(map: map), prefault: true), inKernel: true)
        }
        return [
            Method(name: Self.reference,
                   configuration: configuration(FolioSimOptions(pin: .perPage), prefault: false)),
            Method(name: "foliosim folio",
                   configuration: configuration(FolioSimOptions(pin: .folio), prefault: false)),
            Method(name: "vfio shim (io_uring long-term pin), prefaulted", configuration: configuration(VFIOOptions(), prefault: true)),
            Method(name: "MADV_POPULATE_WRITE, prefaulted", configuration: configuration(PopulateOptions(), prefault: true)),
            Method(name: "kmod pin_user_pages_remote, in-kernel time, prefaulted",
                   configuration: configuration(KmodOptions(), prefault: true), inKernel: true),
        ] + (mapped.map { [$0] } ?? [])
    }

    /// Measures every method on every memory kind, interleaved round by round; a method this
    /// machine cannot run (an empty pool, a memlock limit) gets a row saying why. Stops early
    /// when `InterruptFlag` is raised.
    public func run(onRecord: (RunRecord, _ method: String) -> Void = { _, _ in }) throws(HarnessError) -> [Row] {
        guard repetitions >= 1 else { throw .invalidInput("--reps must be at least 1") }
        guard warmups >= 0 else { throw .invalidInput("--warmup cannot be negative") }
        let (rounds, overflow) = repetitions.addingReportingOverflow(warmups)
        guard !overflow, !rounds.multipliedReportingOverflow(by: 6 * max(1, memory.count)).overflow else {
            throw .invalidInput("--reps \(repetitions) and --warmup \(warmups) are more repetitions than can be counted")
        }
        // One row per method, filled as its runs finish; a refused method keeps its reason.
        var rows: [Row] = []
        var experiments: [(experiment: Experiment, inKernel: Bool)?] = []
        for kind in memory {
            for method in methods(for: kind) {
                var row = Row(memory: kind, method: method.name, secondsPerPage: nil, ratio: nil, runs: 0, verified: 0, refusal: nil)
                do {
                    experiments.append((try Experiment(method.configuration), method.inKernel))
                } catch {
                    if case .invalidInput = error { throw error }
                    experiments.append(nil)
                    row.refusal = error.description
                }
                rows.append(row)
            }
        }
        var pinSeconds = [[Double]](repeating: [], count: rows.count)
        rounds: for round in 0..<(warmups + repetitions) {
            for (index, entry) in experiments.enumerated() {
                guard let (experiment, timedInKernel) = entry else { continue }
                if InterruptFlag.isRaised { break rounds }
                let warmup = round < warmups
                let record = try experiment.measure(.single, rep: warmup ? round : round - warmups, warmup: warmup, pool: nil)
                onRecord(record, rows[index].method)
                guard !warmup else { continue }
                rows[index].runs += 1
                if record.verified {
                    rows[index].verified += 1
                    let inKernel = timedInKernel ? record.backendMetrics?.inKernel?.pinSeconds : nil
                    pinSeconds[index].append(inKernel ?? record.pinSeconds)
                }
            }
        }
        let pages = Double(size.bytes / PageSize.base.bytes)
        for index in rows.indices {
            rows[index].secondsPerPage = Statistics(pinSeconds[index]).map { $0.median / pages }
        }
        for index in rows.indices {
            let reference = rows.first { $0.memory == rows[index].memory && $0.method == Self.reference }?.secondsPerPage
            if let reference, reference > 0, let perPage = rows[index].secondsPerPage { rows[index].ratio = perPage / reference }
        }
        return rows
    }

    /// The rows as a Markdown table.
    public static func markdown(_ rows: [Row]) -> String {
        var lines = [
            SummaryTable.line(["memory", "method", "pin per 4 KiB page", "x \(reference)", "runs"]),
            SummaryTable.line(Array(repeating: "---", count: 5)),
        ]
        for row in rows {
            lines.append(SummaryTable.line([
                row.memory.rawValue, row.method, row.secondsPerPage.map(DurationFormat.seconds) ?? "-",
                // A refusal can carry a command on its own line; a table cell must stay on one.
                row.ratio.map(formatRatio) ?? "-", row.status.split(whereSeparator: \.isNewline).map { $0.drop { $0 == " " } }.joined(separator: " "),
            ]))
        }
        return lines.joined(separator: "\n")
    }

    /// A multiple with three significant digits below 1 (a folio pin is a few hundredths of
    /// the per-page one, which two decimals would flatten to 0.03x), two decimals above.
    static func formatRatio(_ value: Double) -> String {
        guard value > 0, value < 1 else { return DurationFormat.ratio(value) }
        var digits = 2
        var scaled = value
        while scaled < 1, digits < 8 {
            scaled *= 10
            digits += 1
        }
        return "\(formatDecimal(value, digits: digits))x"
    }
}
