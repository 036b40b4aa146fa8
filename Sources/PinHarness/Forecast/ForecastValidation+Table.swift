import PinCore

// MARK: - Table

extension ForecastValidation {
    /// A row per left-out cell and phase: how it was predicted, the prediction and its 95%
    /// interval, the measured median, the error and whether the median is inside the interval.
    public func table(numeric: Bool = false) -> TextTable {
        if numeric {
            var table = TextTable(columns: ["backend", "memory", "size_bytes", "strategy", "threads", "phase", "method",
                                            "predicted_s", "low_s", "high_s", "measured_median_s", "runs", "error",
                                            "inside"].map { TextTable.Column($0) }, keyColumns: 6)
            for row in rows {
                table.append([row.series.backend.rawValue, row.series.memory.rawValue, "\(row.sizeBytes)",
                              row.series.strategy.rawValue, "\(row.threads)", row.phase.rawValue,
                              row.predicted.method?.rawValue ?? ""]
                    + [row.predicted.seconds, row.predicted.low, row.predicted.high, row.measuredMedian].map(Forecast.number)
                    + ["\(row.runs)", Forecast.number(row.error), row.inside.map { "\($0)" } ?? ""])
            }
            return table
        }
        var table = TextTable(columns: [.init("cell", .left), .init("phase", .left), .init("from", .left),
                                        .init("predicted"), .init("95% interval"), .init("measured"), .init("error"),
                                        .init("inside", .left)],
                              keyColumns: 2)
        for row in rows {
            table.append([row.cell, row.phase.rawValue, row.predicted.method.map(Self.describe) ?? Forecast.dash,
                          row.predicted.seconds.map(DurationFormat.seconds) ?? Forecast.dash,
                          Forecast.interval(row.predicted.low, row.predicted.high),
                          DurationFormat.seconds(row.measuredMedian), row.error.map(Self.signedPercent) ?? Forecast.dash,
                          row.inside.map { $0 ? "yes" : "no" } ?? Forecast.dash])
        }
        return table
    }

    /// One line: the median |error| per phase and how many medians fell inside their interval.
    public var summaryLine: String {
        let errors = Forecast.Phase.allCases.compactMap { phase in
            medianAbsoluteError(phase).map { "\(phase) \(formatDecimal($0 * 100, digits: 1))%" }
        }
        let judged = rows.compactMap(\.inside)
        guard !errors.isEmpty else { return "Nothing left out could be predicted from the rest." }
        return "Median |error|: \(errors.joined(separator: ", ")); \(judged.filter { $0 }.count) of \(judged.count) "
            + "measured medians inside the predicted 95% interval."
    }

    static func describe(_ method: Forecast.Method) -> String {
        switch method {
        case .sizeFit: "size fit"
        case .scaled: "USL"
        }
    }

    /// `+3.2%`, `-12.0%`.
    static func signedPercent(_ share: Double) -> String {
        (share >= 0 ? "+" : "") + "\(formatDecimal(share * 100, digits: 1))%"
    }
}
