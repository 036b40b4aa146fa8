import PinCore

// MARK: - Tables

extension Forecast {
    /// A row per backend, memory kind, strategy and phase: the predicted time, its 95% interval,
    /// GiB/s, the USL's speedup at the row's threads, the fits' quality (R², σ, κ) and notes. For display (`numeric: false`) the notes
    /// are footnote numbers into `notes`; CSV (`numeric: true`) has seconds unformatted, a column
    /// per key and the notes in full.
    public func table(numeric: Bool = false) -> TextTable {
        if numeric {
            var table = TextTable(columns: ["backend", "memory", "strategy", "threads", "phase", "method", "seconds",
                                            "low_s", "high_s", "gib_per_s", "speedup", "r_squared", "sigma", "kappa", "notes"]
                .map { TextTable.Column($0) }, keyColumns: 5)
            for row in predictions {
                table.append([row.series.backend.rawValue, row.series.memory.rawValue, row.series.strategy.rawValue,
                              "\(row.threads)", row.phase.rawValue, row.method?.rawValue ?? ""]
                    + [row.seconds, row.low, row.high, row.gibPerSecond, row.speedup, row.rSquared, row.sigma, row.kappa].map(Self.number)
                    + [row.notes.joined(separator: "; ")])
            }
            return table
        }
        let footnotes = notes
        var table = TextTable(columns: [.init("cell", .left), .init("phase", .left), .init("time"), .init("95% interval"),
                                        .init("GiB/s"), .init("speedup"), .init("R²"), .init("σ"), .init("κ"),
                                        .init("notes", .left)],
                              keyColumns: 2)
        for row in predictions {
            table.append([row.series.name(threads: row.threads), row.phase.rawValue,
                          row.seconds.map(DurationFormat.seconds) ?? Self.dash, Self.interval(row.low, row.high),
                          row.gibPerSecond.map { formatDecimal($0, digits: 2) } ?? Self.dash,
                          row.speedup.map(DurationFormat.ratio) ?? Self.dash,
                          row.rSquared.map { formatDecimal($0, digits: 4) } ?? Self.dash,
                          row.sigma.map(Self.coefficient) ?? Self.dash, row.kappa.map(Self.coefficient) ?? Self.dash,
                          row.notes.map { footnotes.firstIndex(of: $0)! + 1 }.sorted().map(String.init).joined(separator: ",")])
        }
        return table
    }

    /// Every distinct note of the predictions, in the order they first appear: the footnotes
    /// of `table()`.
    public var notes: [String] {
        var seen: Set<String> = []
        return predictions.flatMap(\.notes).filter { seen.insert($0).inserted }
    }

    /// A row per cell and phase: runs and sizes fitted over, the fixed cost, the per-byte cost
    /// as GiB/s, R², and the time with its 95% prediction interval at the target size.
    public func fitsTable(numeric: Bool = false) -> TextTable {
        if numeric {
            var table = TextTable(columns: ["backend", "memory", "strategy", "threads", "phase", "runs", "sizes_bytes",
                                            "fixed_s", "seconds_per_byte", "gib_per_s", "r_squared", "residual_se_s",
                                            "size_bytes", "seconds", "low_s", "high_s"].map { TextTable.Column($0) },
                                  keyColumns: 5)
            for fit in fits {
                table.append([fit.series.backend.rawValue, fit.series.memory.rawValue, fit.series.strategy.rawValue,
                              "\(fit.threads)", fit.phase.rawValue, "\(fit.fit.count)",
                              fit.sizes.map(String.init).joined(separator: ";")]
                    + [fit.fixedSeconds, fit.fit.slope, fit.gibPerSecond, fit.fit.rSquared, fit.fit.residualStandardError]
                    .map(Self.number)
                    + ["\(sizeBytes)"] + [fit.predictedSeconds, fit.low, fit.high].map(Self.number))
            }
            return table
        }
        var table = TextTable(columns: [.init("cell", .left), .init("phase", .left), .init("runs"), .init("sizes"),
                                        .init("fixed"), .init("GiB/s"), .init("R²"), .init("at \(size)"),
                                        .init("95% interval")],
                              keyColumns: 2)
        for fit in fits {
            let sizes = fit.sizes.count == 1 ? "\(ByteSize(fit.sizes[0]))"
                : "\(ByteSize(fit.sizes.first!))–\(ByteSize(fit.sizes.last!))"
            table.append([fit.series.name(threads: fit.threads), fit.phase.rawValue, "\(fit.fit.count)", sizes,
                          DurationFormat.seconds(fit.fixedSeconds),
                          fit.gibPerSecond.map { formatDecimal($0, digits: 2) } ?? Self.dash,
                          formatDecimal(fit.fit.rSquared, digits: 4), DurationFormat.seconds(fit.predictedSeconds),
                          Self.interval(fit.low, fit.high)])
        }
        return table
    }

    // MARK: - Cells

    static let dash = "-"

    static func interval(_ low: Double?, _ high: Double?) -> String {
        guard let low, let high else { return dash }
        return DurationFormat.interval(low, high)
    }

    /// σ and κ: four decimals, or two significant digits in exponent form below 0.001 (κ of a
    /// few in a hundred thousand matters at hundreds of threads).
    static func coefficient(_ value: Double) -> String {
        guard value.isFinite else { return dash }
        // σ and κ are held at 0 or above; below would loop forever on the mantissa.
        guard value > 0 else { return "0" }
        guard value < 0.001 else { return formatDecimal(value, digits: 4) }
        var mantissa = value
        var exponent = 0
        while mantissa < 1 {
            mantissa *= 10
            exponent -= 1
        }
        if formatDecimal(mantissa, digits: 1) == "10.0" { (mantissa, exponent) = (1, exponent + 1) }
        return "\(formatDecimal(mantissa, digits: 1))e\(exponent)"
    }

    /// Full precision for CSV; empty when missing.
    static func number(_ value: Double?) -> String { value.flatMap { $0.isFinite ? "\($0)" : nil } ?? "" }
}
