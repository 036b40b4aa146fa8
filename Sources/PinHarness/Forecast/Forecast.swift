import PinBackends
import PinContract
import PinCore

/// Pin and unpin times predicted at a size (and thread count) a result set did not measure.
///
/// 1. Per cell (backend, memory kind, strategy, thread count) and phase, time against size is
///    fitted as `t = fixed + perByte · size` by least squares over every verified measured run
///    of every size (`LinearFit`), with the 95% prediction interval of one run at the target.
/// 2. Per backend, memory kind, strategy and phase, the speedup over threads at the target size,
///    `S(N) = t₁(size) / t_N(size)` from those fits, is fitted with the Universal Scalability
///    Law (`ScalabilityFit`). The fits rather than the medians at each size: a small size's
///    speedup is held down by thread start-up, which the fixed cost separates out. The 1-thread
///    time is the strategy's own 1-thread cell (so S(1) = 1, as the law needs), or `single`'s
///    when the set has no such cell.
/// 3. A measured thread count is predicted by its own cell's fit; any other by the 1-thread fit
///    divided by the modelled speedup, the interval widened by the speedup's own error: the
///    1-thread interval's relative half-width and `ScalabilityFit.relativeHalfWidth` in
///    quadrature (`Model.prediction`).
public struct Forecast: Sendable, Codable {
    public enum Phase: String, Sendable, Codable, CaseIterable {
        case pin, unpin
    }

    /// A backend, memory kind and strategy: a forecast row is one of these and a phase.
    public struct Series: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
        public var backend: BackendID
        public var memory: MemoryKind
        public var strategy: Strategy

        public var description: String { "\(backend)/\(memory)/\(strategy)" }

        /// `populate/thp/kernel/16`: the cell id without its size.
        public func name(threads: Int) -> String { "\(self)/\(strategy == .single ? 1 : threads)" }

        public static func < (lhs: Series, rhs: Series) -> Bool {
            if lhs.backend != rhs.backend { return Backends.catalog.precedes(lhs.backend, rhs.backend) }
            func order(_ series: Series) -> [Int] {
                [MemoryKind.allCases.firstIndex(of: series.memory)!, Strategy.allCases.firstIndex(of: series.strategy)!]
            }
            return order(lhs).lexicographicallyPrecedes(order(rhs))
        }
    }

    /// One cell's time against size for one phase, and what it says at the target size.
    public struct SizeFit: Sendable, Codable {
        public var series: Series
        public var threads: Int
        public var phase: Phase
        /// The sizes fitted over, ascending.
        public var sizes: [Int]
        public var fit: LinearFit
        /// The time at the target size, and the 95% prediction interval of one run there (its
        /// low end no lower than 0).
        public var predictedSeconds: Double
        public var low: Double?
        public var high: Double?

        /// The fixed cost: the line's time at size 0.
        public var fixedSeconds: Double
        /// The per-byte cost as a rate; nil when the line does not rise with size.
        public var gibPerSecond: Double?
    }

    /// The speedup law of one backend, memory kind, strategy and phase at the target size.
    public struct Scaling: Sendable, Codable {
        public var series: Series
        public var phase: Phase
        /// The 1-thread cell speedups are over: `user/1`, `kernel/1` or `single`.
        public var baseline: String
        public var fit: ScalabilityFit
    }

    /// How a prediction was made.
    public enum Method: String, Sendable, Codable {
        /// The thread count was measured: its own cell's size fit.
        case sizeFit = "size-fit"
        /// The baseline's size fit divided by the USL speedup.
        case scaled = "usl"
    }

    /// One row: a series and phase at the target size and thread count.
    public struct Prediction: Sendable, Codable {
        public var series: Series
        public var threads: Int
        public var phase: Phase
        /// Nil when nothing could be predicted (`notes` says why).
        public var seconds: Double?
        /// The 95% interval of one run; nil with too few runs to have one.
        public var low: Double?
        public var high: Double?
        public var gibPerSecond: Double?
        public var method: Method?
        /// R² of the size fit the prediction comes from (the baseline's when scaled).
        public var rSquared: Double?
        /// The USL's speedup at `threads` over the 1-thread baseline (threaded strategies).
        public var speedup: Double?
        public var sigma: Double?
        public var kappa: Double?
        /// Extrapolation and caveats, in words.
        public var notes: [String]
    }

    public var sizeBytes: Int
    public var threads: Int
    /// Every size and thread count with verified measured runs, ascending.
    public var sizesMeasured: [Int]
    public var threadCounts: [Int]
    public var fits: [SizeFit]
    public var scaling: [Scaling]
    public var predictions: [Prediction]

    public var size: ByteSize { ByteSize(sizeBytes) }

    /// A forecast at `size` and `threads` (default: the largest thread count measured) from a
    /// set's records. Refuses a set with no verified measured run or fewer than two sizes.
    public init(records: [RunRecord], size: ByteSize, threads: Int? = nil) throws(HarnessError) {
        guard size.bytes > 0 else { throw .invalidInput("--size must be larger than zero") }
        if let threads, threads < 1 { throw .invalidInput("--threads must be at least 1") }
        let usable = try Self.usable(records)
        try Self.requireSizes(usable, atLeast: 2, for: "a forecast", why: "a line needs two")
        let model = Model(records: usable)
        let threads = threads ?? model.threadCounts.last!
        self.sizeBytes = size.bytes
        self.threads = threads
        self.sizesMeasured = model.sizes
        self.threadCounts = model.threadCounts
        self.fits = model.sizeFits(at: Double(size.bytes))
        self.scaling = model.series.flatMap { series in
            Phase.allCases.compactMap { phase in model.scaling(series, phase, at: Double(size.bytes)) }
        }
        self.predictions = model.series.flatMap { series in
            Phase.allCases.map { model.prediction(series, $0, threads: threads, size: Double(size.bytes)) }
        }
    }

    // MARK: - Records

    /// PinBench's verified measured runs (warm-ups, failures and the C baseline left out), or an
    /// error saying what the set holds instead.
    static func usable(_ records: [RunRecord]) throws(HarnessError) -> [RunRecord] {
        let usable = records.filter { $0.implementation == .pinbench && !$0.warmup && $0.verified }
        guard usable.isEmpty else { return usable }
        let warmups = records.filter(\.warmup).count
        let failed = records.filter { !$0.warmup && !$0.verified }.count
        throw .invalidInput("no verified measured runs to fit (\(records.count) records: \(warmups) warm-ups, "
            + "\(failed) failed verification)")
    }

    /// Refuses fewer than `count` sizes, naming a sweep that would do.
    static func requireSizes(_ usable: [RunRecord], atLeast count: Int, for purpose: String, why: String) throws(HarnessError) {
        let sizes = Set(usable.map(\.sizeBytes)).sorted()
        guard sizes.count < count else { return }
        let smallest = sizes.first ?? 1 << 30
        let suggested = (0..<5).map { "\(ByteSize(smallest << $0))" }.joined(separator: ",")
        let measured = sizes.map { "\(ByteSize($0))" }.joined(separator: ", ")
        throw .invalidInput("\(purpose) needs at least \(count) sizes (\(why)); this set has \(sizes.count) (\(measured)): "
            + "sweep more, e.g. `pinbench sweep --sizes \(suggested)` with the set's other options")
    }

    static func seconds(_ record: RunRecord, _ phase: Phase) -> Double {
        phase == .pin ? record.pinSeconds : record.unpinSeconds
    }
}

// MARK: - The fitted model

extension Forecast {
    /// The size fits of a set's usable records, and the predictions made from them at any size
    /// and thread count (validation asks for the left-out ones).
    struct Model {
        struct Key: Hashable {
            var series: Series
            var threads: Int
        }

        struct CellFit {
            var fit: LinearFit
            var sizes: [Int]
        }

        var fits: [Key: [Phase: CellFit]] = [:]
        var sizes: [Int]
        var threadCounts: [Int]
        var series: [Series]

        init(records: [RunRecord]) {
            var byCell: [Key: [RunRecord]] = [:]
            for record in records {
                let cell = SweepCell(record: record)
                let series = Series(backend: cell.backend, memory: cell.memory, strategy: cell.strategy)
                byCell[Key(series: series, threads: cell.threads), default: []].append(record)
            }
            for (key, records) in byCell {
                for phase in Phase.allCases {
                    let x = records.map { Double($0.sizeBytes) }
                    guard let fit = LinearFit(x: x, y: records.map { Forecast.seconds($0, phase) }) else { continue }
                    fits[key, default: [:]][phase] = CellFit(fit: fit, sizes: Set(records.map(\.sizeBytes)).sorted())
                }
            }
            sizes = Set(records.map(\.sizeBytes)).sorted()
            threadCounts = Set(records.map(\.threads)).sorted()
            series = Set(byCell.keys.map(\.series)).sorted()
        }

        func fit(_ series: Series, threads: Int, _ phase: Phase) -> CellFit? {
            fits[Key(series: series, threads: series.strategy == .single ? 1 : threads)]?[phase]
        }

        /// Thread counts of the series with a fit for `phase`, ascending.
        func measuredThreads(of series: Series, _ phase: Phase) -> [Int] {
            fits.filter { $0.key.series == series && $0.value[phase] != nil }.map(\.key.threads).sorted()
        }

        /// The 1-thread fit speedups are over: the strategy's own, else `single`'s.
        func baseline(_ series: Series, _ phase: Phase) -> (name: String, fit: CellFit)? {
            guard series.strategy != .single else { return nil }
            if let own = fit(series, threads: 1, phase) { return ("\(series.strategy)/1", own) }
            let single = Series(backend: series.backend, memory: series.memory, strategy: .single)
            return fit(single, threads: 1, phase).map { ("single", $0) }
        }

        func sizeFits(at size: Double) -> [SizeFit] {
            fits.keys.sorted { ($0.series, $0.threads) < ($1.series, $1.threads) }.flatMap { key in
                Phase.allCases.compactMap { phase -> SizeFit? in
                    guard let cell = fits[key]?[phase] else { return nil }
                    let interval = cell.fit.predictionInterval(at: size)
                    // No run takes less than 0 s: the line's time and both ends held at 0 or
                    // above, which keeps the time inside its interval.
                    return SizeFit(series: key.series, threads: key.threads, phase: phase, sizes: cell.sizes, fit: cell.fit,
                                   predictedSeconds: max(0, cell.fit.predict(size)), low: interval.map { max(0, $0.lowerBound) },
                                   high: interval.map { max(0, $0.upperBound) }, fixedSeconds: cell.fit.intercept,
                                   gibPerSecond: cell.fit.slope > 0 ? 1 / (cell.fit.slope * Double(1 << 30)) : nil)
                }
            }
        }

        /// The USL over the series' measured thread counts, the speedups taken from the size
        /// fits at `size`; each point's error is that of a ratio of two fitted means,
        /// `√(r₁² + r_N²)` with r the mean's standard error over the mean.
        func scaling(_ series: Series, _ phase: Phase, at size: Double) -> Scaling? {
            guard let baseline = baseline(series, phase) else { return nil }
            let base = baseline.fit.fit.predict(size)
            guard base > 0 else { return nil }
            let baseError = baseline.fit.fit.meanStandardError(at: size).map { $0 / base }
            let points = measuredThreads(of: series, phase).filter { $0 > 1 }.compactMap { threads -> ScalabilityFit.Point? in
                guard let cell = fit(series, threads: threads, phase) else { return nil }
                let time = cell.fit.predict(size)
                guard time > 0 else { return nil }
                var error: Double?
                if let baseError, let own = cell.fit.meanStandardError(at: size).map({ $0 / time }) {
                    error = (baseError * baseError + own * own).squareRoot()
                }
                return ScalabilityFit.Point(threads: threads, speedup: base / time, relativeError: error)
            }
            return ScalabilityFit(points).map { Scaling(series: series, phase: phase, baseline: baseline.name, fit: $0) }
        }

        // MARK: - One prediction

        func prediction(_ series: Series, _ phase: Phase, threads asked: Int, size: Double) -> Prediction {
            let threads = series.strategy == .single ? 1 : asked
            var row = Prediction(series: series, threads: threads, phase: phase, notes: [])
            let law = scaling(series, phase, at: size)
            if let usl = law?.fit {
                row.speedup = usl.speedup(at: threads)
                row.sigma = usl.sigma
                row.kappa = usl.kappa
            }
            let measured = measuredThreads(of: series, phase)
            if let largest = measured.last, threads > largest {
                row.notes.append("\(threads) threads: \(Self.ratio(Double(threads), Double(largest))) past the largest "
                    + "thread count measured (\(largest))")
            }

            let used: CellFit
            if let cell = fit(series, threads: threads, phase) {
                used = cell
                row.method = .sizeFit
                row.seconds = cell.fit.predict(size)
                if let interval = cell.fit.predictionInterval(at: size) {
                    (row.low, row.high) = (max(0, interval.lowerBound), interval.upperBound)  // no run takes < 0 s
                }
            } else if let baseline = baseline(series, phase), let law {
                used = baseline.fit
                let speedup = law.fit.speedup(at: threads)
                let base = baseline.fit.fit.predict(size)
                row.method = .scaled
                row.seconds = base / speedup
                row.notes.append("\(threads) threads not measured: the 1-thread fit over the USL speedup")
                if let interval = baseline.fit.fit.predictionInterval(at: size) {
                    // The 1-thread interval's relative half-width and the speedup's, in quadrature.
                    let own = (interval.upperBound - base) / base
                    let spread = law.fit.relativeHalfWidth(at: threads)
                    let half = (own * own + spread * spread).squareRoot()
                    (row.low, row.high) = (max(0, row.seconds! * (1 - half)), row.seconds! * (1 + half))
                }
            } else {
                row.notes.append(Self.whyNot(series, threads: threads, measured: measured,
                                             hasBaseline: baseline(series, phase) != nil))
                return row
            }
            row.rSquared = used.fit.rSquared
            if let seconds = row.seconds, seconds > 0, seconds.isFinite {
                row.gibPerSecond = SummaryTable.ratio(size / Double(1 << 30), seconds)
                // An interval must hold the time it is around; one that overflowed does not.
                if let low = row.low, let high = row.high, !(low.isFinite && high.isFinite && low <= seconds && seconds <= high) {
                    (row.low, row.high) = (nil, nil)
                }
            } else {
                // A time of 0 s or less is no prediction: refused, not printed as "-496 ms".
                (row.seconds, row.low, row.high) = (nil, nil, nil)
                row.notes.append("the fit predicts no time at this size (a negative fixed cost): no prediction")
            }
            if row.seconds != nil, row.low == nil { row.notes.append("\(used.fit.count) runs: too few for an interval") }
            if size > used.fit.maxX {
                row.notes.append("\(Self.ratio(size, used.fit.maxX)) past the largest size measured (\(ByteSize(Int(used.fit.maxX))))")
            } else if size < used.fit.minX {
                row.notes.append("below the smallest size measured (\(ByteSize(Int(used.fit.minX))))")
            }
            if let usl = law?.fit, series.strategy != .single {
                if usl.kappaEstimate == .notSeparable {
                    row.notes.append("one thread count above 1: σ alone, κ not separable")
                } else if usl.sigmaEstimate == .clamped || usl.kappaEstimate == .clamped {
                    let held = [usl.sigmaEstimate == .clamped ? "σ" : nil, usl.kappaEstimate == .clamped ? "κ" : nil]
                    row.notes.append("\(held.compactMap { $0 }.joined(separator: " and ")) fitted negative, held at 0")
                }
                if law?.baseline == "single" { row.notes.append("speedup over single (no \(series.strategy)/1 cell)") }
            }
            return row
        }

        static func whyNot(_ series: Series, threads: Int, measured: [Int], hasBaseline: Bool) -> String {
            if measured.isEmpty { return "no cell of \(series) has runs at two sizes" }
            if !hasBaseline { return "\(threads) threads not measured, and no \(series.strategy)/1 or single cell to scale from" }
            return "\(threads) threads not measured, and no thread count above 1 to fit the USL"
        }

        /// `16.0x`: how many times `value` is `reference`.
        static func ratio(_ value: Double, _ reference: Double) -> String { "\(formatDecimal(value / reference, digits: 1))x" }
    }
}
