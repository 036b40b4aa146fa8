import PinCore

/// How well a forecast would have done on this set: the largest size (and, with three or more
/// thread counts, the largest thread count) is left out, the fits are made again on the rest,
/// and every left-out cell is predicted and set against its measured median.
public struct ForecastValidation: Sendable, Codable {
    /// One left-out cell and phase.
    public struct Row: Sendable, Codable {
        public var series: Forecast.Series
        public var threads: Int
        public var sizeBytes: Int
        public var phase: Forecast.Phase
        /// The prediction from the rest; its `seconds` is nil when they could not make one.
        public var predicted: Forecast.Prediction
        public var measuredMedian: Double
        public var runs: Int
        /// (predicted − measured) / measured.
        public var error: Double?
        /// Whether the measured median lies in the predicted 95% interval.
        public var inside: Bool?

        init(series: Forecast.Series, threads: Int, sizeBytes: Int, phase: Forecast.Phase,
             predicted: Forecast.Prediction, measuredMedian: Double, runs: Int) {
            self.series = series
            self.threads = threads
            self.sizeBytes = sizeBytes
            self.phase = phase
            self.predicted = predicted
            self.measuredMedian = measuredMedian
            self.runs = runs
            // Over a median of 0 s there is no relative error (it would print as "inf%").
            error = predicted.seconds.flatMap { SummaryTable.ratio($0 - measuredMedian, measuredMedian) }
            if let low = predicted.low, let high = predicted.high { inside = low <= measuredMedian && measuredMedian <= high }
        }

        /// `populate/thp/16G/kernel/8`, the cell's id.
        public var cell: String { "\(series.backend)/\(series.memory)/\(ByteSize(sizeBytes))/\(series.strategy)/\(threads)" }
    }

    public var leftOutSize: Int
    /// Nil when the set has fewer than three thread counts (then only the size is left out).
    public var leftOutThreads: Int?
    /// What the fits were made on.
    public var fittedSizes: [Int]
    public var fittedThreads: [Int]
    public var rows: [Row]

    /// Refuses a set with fewer than three sizes: with the largest left out, a line needs two.
    public init(records: [RunRecord]) throws(HarnessError) {
        let usable = try Forecast.usable(records)
        try Forecast.requireSizes(usable, atLeast: 3, for: "--validate", why: "it leaves the largest out and fits a line to the rest")
        let largestSize = usable.map(\.sizeBytes).max()!
        // The sweep's thread counts are those of the threaded strategies (single is always 1).
        let threaded = usable.filter { $0.strategy != .single }
        let threadCounts = Set((threaded.isEmpty ? usable : threaded).map(\.threads)).sorted()
        let largestThreads = threadCounts.count >= 3 ? threadCounts.last : nil
        func leftOut(_ record: RunRecord) -> Bool {
            record.sizeBytes == largestSize
                || (largestThreads == record.threads && record.strategy != .single)
        }
        let model = Forecast.Model(records: usable.filter { !leftOut($0) })
        self.leftOutSize = largestSize
        self.leftOutThreads = largestThreads
        self.fittedSizes = model.sizes
        self.fittedThreads = model.threadCounts

        struct Key: Hashable {
            var series: Forecast.Series
            var threads: Int
            var size: Int
        }
        var measured: [Key: [RunRecord]] = [:]
        for record in usable where leftOut(record) {
            let cell = SweepCell(record: record)
            let series = Forecast.Series(backend: cell.backend, memory: cell.memory, strategy: cell.strategy)
            measured[Key(series: series, threads: cell.threads, size: record.sizeBytes), default: []].append(record)
        }
        let keys = measured.keys.sorted { ($0.series, $0.threads, $0.size) < ($1.series, $1.threads, $1.size) }
        self.rows = keys.flatMap { key in
            Forecast.Phase.allCases.map { phase in
                let runs = measured[key]!
                return Row(series: key.series, threads: key.threads, sizeBytes: key.size, phase: phase,
                           predicted: model.prediction(key.series, phase, threads: key.threads, size: Double(key.size)),
                           measuredMedian: Statistics(runs.map { Forecast.seconds($0, phase) })!.median, runs: runs.count)
            }
        }
    }

    /// The median of |error| over the rows of `phase` that have a prediction.
    public func medianAbsoluteError(_ phase: Forecast.Phase) -> Double? {
        Statistics(rows.filter { $0.phase == phase }.compactMap { $0.error.map(abs) })?.median
    }
}
