import Foundation
import PinCore

/// The plots of a result set: per group, speedup against threads and GiB/s against threads,
/// one line per strategy, each point with its 95% confidence interval as an error bar; and one
/// headline plot comparing the strategies at each group's largest thread count across backends
/// and memory kinds. Written as gnuplot data and one script (`plots/plots.gp`), then rendered to
/// SVG and PNG when gnuplot is installed.
public struct SweepPlots: Sendable {
    public let summary: SweepSummary

    public init(summary: SweepSummary) { self.summary = summary }

    public static let folder = "plots"
    public static let script = "plots.gp"
    /// The stem of the headline plot's data and images.
    public static let headline = "headline"

    /// A value with its 95% interval: the median's order-statistic interval carried through
    /// the ratio or rate (the bounds where no interval exists, too few runs, are the value).
    struct Point: Equatable {
        var value: Double
        var low: Double
        var high: Double
        var count: Int

        /// `size` over the time, GiB/s: the slow end of the interval is the low rate.
        static func rate(_ pin: Statistics?, gibibytes: Double) -> Point? {
            guard let pin, pin.median > 0 else { return nil }
            let interval = pin.medianInterval
            return Point(value: gibibytes / pin.median, low: gibibytes / (interval?.high ?? pin.median),
                         high: gibibytes / (interval?.low ?? pin.median), count: pin.count)
        }

        /// single's median over this cell's; the interval takes both intervals' ends (a
        /// conservative bound: the ratio of two independent medians is no tighter).
        static func speedup(single: Statistics?, cell: Statistics?) -> Point? {
            guard let single, let cell, cell.median > 0 else { return nil }
            let cellHigh = cell.medianInterval?.high ?? cell.median
            let cellLow = cell.medianInterval?.low ?? cell.median
            return Point(value: single.median / cell.median, low: (single.medianInterval?.low ?? single.median) / cellHigh,
                         high: (single.medianInterval?.high ?? single.median) / max(cellLow, .leastNormalMagnitude),
                         count: min(single.count, cell.count))
        }

        var fields: [String] { ["\(value)", "\(low)", "\(high)"] }
        static let missing = ["?", "?", "?"]
    }

    /// The data file of a group: threads, then per threaded strategy its pin speedup and GiB/s,
    /// each as value, low and high of the 95% CI, then single's GiB/s the same way (the same on
    /// every row); `?` where there is no value.
    public func data(for group: SweepSummary.Group) -> String {
        let strategies = group.threadedStrategies
        var header = "# threads"
        for strategy in strategies {
            header += " \(strategy)_speedup \(strategy)_speedup_low \(strategy)_speedup_high"
                + " \(strategy)_gib_per_s \(strategy)_gib_per_s_low \(strategy)_gib_per_s_high"
        }
        header += " single_gib_per_s single_gib_per_s_low single_gib_per_s_high"
        var lines = ["# \(group.group): pin phase, speedup over single (1 thread) and GiB/s, each with the 95% CI of the median", header]
        let gibibytes = group.group.size.gibibytes
        for threads in group.threads {
            var fields = ["\(threads)"]
            for strategy in strategies {
                let cell = group.cell(strategy, threads: threads)
                fields += Point.speedup(single: group.single?.pin, cell: cell?.pin)?.fields ?? Point.missing
                fields += Point.rate(cell?.pin, gibibytes: gibibytes)?.fields ?? Point.missing
            }
            fields += Point.rate(group.single?.pin, gibibytes: gibibytes)?.fields ?? Point.missing
            lines.append(fields.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fewest verified runs behind any point of `strategy` in `group` (the n a plot states).
    func runs(_ strategy: Strategy, in group: SweepSummary.Group) -> Int? {
        let counts = group.cells.filter { $0.cell.strategy == strategy }.compactMap { $0.pin?.count }
        return counts.min()
    }

    /// The groups the headline compares: those with a threaded cell.
    var headlineGroups: [SweepSummary.Group] { summary.groups.filter { !$0.threads.isEmpty } }

    /// The headline's data: a row per group (backend, memory kind and size, at its largest
    /// thread count), then pin GiB/s with its 95% CI for single and each threaded strategy.
    public func headlineData() -> String {
        let strategies = Strategy.allCases
        var lines = ["# pin GiB/s per group at its largest thread count, each with the 95% CI of the median",
                     "# group " + strategies.map { "\($0)_gib_per_s \($0)_low \($0)_high" }.joined(separator: " ")]
        for group in headlineGroups {
            let threads = group.threads.last!
            let gibibytes = group.group.size.gibibytes
            var fields = ["\"\(group.group.backend) \(group.group.memory) \(group.group.size), \(threads) thr\""]
            for strategy in strategies {
                let cell = strategy == .single ? group.single : group.cell(strategy, threads: threads)
                fields += Point.rate(cell?.pin, gibibytes: gibibytes)?.fields ?? Point.missing
            }
            lines.append(fields.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One gnuplot script for every group, and the headline; run inside `plots/`.
    public func gnuplotScript() -> String {
        var lines = [
            "# Rendered by `pinbench report`; run `gnuplot plots.gp` in this folder to redo it by hand.",
            "# Error bars: the 95% confidence interval of the median (order statistics); n: verified runs per point.",
            "set datafile missing \"?\"",
            "set key left top",
            "set grid",
            "set xlabel \"threads\"",
            "set style data yerrorlines",
            "set offsets graph 0.05, graph 0.05, 0, 0  # error bars at the first and last thread count stay inside",
            "png_terminal = (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) ? \"pngcairo\" : \"png\"",
        ]
        func render(_ stem: String, _ plot: String) -> [String] {
            ["set terminal svg size 800,500 dynamic", "set output \"\(stem).svg\"", plot,
             "set terminal png_terminal size 800,500", "set output \"\(stem).png\"", "replot", "unset output"]
        }
        for group in summary.groups where !group.threads.isEmpty {
            let stem = group.group.fileStem
            let strategies = group.threadedStrategies
            let threads = group.threads
            let logScale = threads.last! >= 4 * threads.first!
            let title = "\(group.group.backend), \(group.group.memory), \(group.group.size)"
            lines += ["", "# \(title)", logScale ? "set logscale x 2" : "unset logscale x",
                      "set xtics (\(threads.map { "\"\($0)\" \($0)" }.joined(separator: ", ")))"]
            func label(_ strategy: Strategy) -> String { "\(strategy) (n = \(runs(strategy, in: group) ?? 0))" }
            let columns = 6
            let speedupPlots = strategies.enumerated().map { index, strategy in
                let first = 2 + columns * index
                return "\"\(stem).dat\" using 1:\(first):\(first + 1):\(first + 2) title \"\(label(strategy))\""
            } + ["x with lines dashtype 2 linecolor rgb \"gray40\" title \"ideal\""]
            let single = 2 + columns * strategies.count
            let ratePlots = strategies.enumerated().map { index, strategy in
                let first = 5 + columns * index
                return "\"\(stem).dat\" using 1:\(first):\(first + 1):\(first + 2) title \"\(label(strategy))\""
            } + ["\"\(stem).dat\" using 1:\(single) with lines dashtype 2 linecolor rgb \"gray40\" "
                 + "title \"single, 1 thread (n = \(group.single?.pin?.count ?? 0))\""]
            for (kind, label, plots) in [
                ("speedup", "pin speedup over single", speedupPlots), ("gibs", "pin GiB/s", ratePlots),
            ] {
                lines += ["set title \"\(title): \(label), 95% CI error bars\"", "set ylabel \"\(label)\"", "set yrange [0:*]"]
                lines += render("\(stem)-\(kind)", "plot " + plots.joined(separator: ", \\\n     "))
            }
        }
        if !headlineGroups.isEmpty {
            let counts = headlineGroups.flatMap(\.cells).compactMap { $0.pin?.count }
            let n = counts.min() == counts.max() ? "n = \(counts.min() ?? 0)" : "n = \(counts.min() ?? 0)-\(counts.max() ?? 0)"
            let plots = Strategy.allCases.enumerated().map { index, strategy in
                let first = 2 + 3 * index
                return "\"\(Self.headline).dat\" using \(first):\(first + 1):\(first + 2)"
                    + (index == 0 ? ":xtic(1)" : "") + " title \"\(strategy)\""
            }
            lines += ["", "# The headline: every group at its largest thread count",
                      "unset logscale x", "set offsets 0, 0, 0, 0", "set xtics autofreq rotate by -30", "set xlabel \"\"",
                      "set style data histograms", "set style histogram errorbars gap 2 lw 1",
                      "set style fill solid 0.6 border -1", "set key left top",
                      "set title \"pin GiB/s by strategy at the largest thread count (95% CI error bars, \(n))\"",
                      "set ylabel \"pin GiB/s\"", "set yrange [0:*]"]
            lines += render("\(Self.headline)-gibs", "plot " + plots.joined(separator: ", \\\n     "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the data and the script into `set`'s `plots/` and renders them with the gnuplot
    /// found on `searchPath` (default: `PATH`); returns what a reader should know (rendered
    /// files, or why not and how to fix it).
    public func write(into set: ResultSet, searchPath: String? = nil) throws(HarnessError) -> String {
        let folder = set.path(Self.folder)
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw HarnessError(file: error, "cannot create \(folder)", path: folder)
        }
        let plotted = summary.groups.filter { !$0.threads.isEmpty }
        for group in plotted {
            try set.write(data(for: group), to: "\(Self.folder)/\(group.group.fileStem).dat")
        }
        if !plotted.isEmpty { try set.write(headlineData(), to: "\(Self.folder)/\(Self.headline).dat") }
        try set.write(gnuplotScript(), to: "\(Self.folder)/\(Self.script)")
        guard !plotted.isEmpty else { return "plots: nothing to plot (no threaded cell has results yet)" }
        guard let gnuplot = Self.findExecutable("gnuplot", searchPath: searchPath) else {
            return "plots: gnuplot is not installed, so only the data and \(folder)/\(Self.script) were written; "
                + "install it (sudo apt-get install gnuplot-nox) and run `pinbench report \(set.directory)`"
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gnuplot)
        process.arguments = [Self.script]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return "plots: could not start \(gnuplot): \(error.localizedDescription)" }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return "plots: gnuplot failed (exit \(process.terminationStatus)): \(message.trimmingWhitespace())"
        }
        return "plots: \(plotted.count * 4 + 2) SVG and PNG files in \(folder) (the headline: \(Self.headline)-gibs.svg)"
    }

    /// The first executable `name` on `searchPath` (default: `PATH`).
    static func findExecutable(_ name: String, searchPath: String? = nil) -> String? {
        let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
