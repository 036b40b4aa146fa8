import Foundation
import PinCore

/// The plots of a result set: per group, speedup against threads and GiB/s against threads,
/// one line per strategy. Written as gnuplot data and one script (`plots/plots.gp`), then
/// rendered to SVG and PNG when gnuplot is installed.
public struct SweepPlots: Sendable {
    public let summary: SweepSummary

    public init(summary: SweepSummary) { self.summary = summary }

    public static let folder = "plots"
    public static let script = "plots.gp"

    /// The data file of a group: threads, then per threaded strategy its pin speedup and GiB/s,
    /// then single's GiB/s (the same on every row); `?` where there is no value.
    public func data(for group: SweepSummary.Group) -> String {
        let strategies = group.threadedStrategies
        var header = "# threads"
        for strategy in strategies { header += " \(strategy)_speedup \(strategy)_gib_per_s" }
        header += " single_gib_per_s"
        var lines = ["# \(group.group): pin phase, speedup over single (1 thread) and GiB/s", header]
        func value(_ number: Double?) -> String { number.map { "\($0)" } ?? "?" }
        for threads in group.threads {
            var fields = ["\(threads)"]
            for strategy in strategies {
                let cell = group.cell(strategy, threads: threads)
                fields += [value(cell?.pinSpeedup), value(cell?.pinGiBPerSecond)]
            }
            fields.append(value(group.single?.pinGiBPerSecond))
            lines.append(fields.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One gnuplot script for every group; run inside `plots/`.
    public func gnuplotScript() -> String {
        var lines = [
            "# Rendered by `pinbench report`; run `gnuplot plots.gp` in this folder to redo it by hand.",
            "set datafile missing \"?\"",
            "set key left top",
            "set grid",
            "set xlabel \"threads\"",
            "set style data linespoints",
            "png_terminal = (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) ? \"pngcairo\" : \"png\"",
        ]
        for group in summary.groups where !group.threads.isEmpty {
            let stem = group.group.fileStem
            let strategies = group.threadedStrategies
            let threads = group.threads
            let logScale = threads.last! >= 4 * threads.first!
            let title = "\(group.group.backend), \(group.group.memory), \(group.group.size)"
            lines += ["", "# \(title)", logScale ? "set logscale x 2" : "unset logscale x",
                      "set xtics (\(threads.map { "\"\($0)\" \($0)" }.joined(separator: ", ")))"]
            let speedupPlots = strategies.enumerated().map { index, strategy in
                "\"\(stem).dat\" using 1:\(2 + 2 * index) title \"\(strategy)\""
            } + ["x with lines dashtype 2 linecolor rgb \"gray40\" title \"ideal\""]
            let rateColumn = 2 + 2 * strategies.count
            let ratePlots = strategies.enumerated().map { index, strategy in
                "\"\(stem).dat\" using 1:\(3 + 2 * index) title \"\(strategy)\""
            } + ["\"\(stem).dat\" using 1:\(rateColumn) with lines dashtype 2 linecolor rgb \"gray40\" title \"single (1 thread)\""]
            for (kind, label, plots) in [
                ("speedup", "pin speedup over single", speedupPlots), ("gibs", "pin GiB/s", ratePlots),
            ] {
                lines += [
                    "set title \"\(title): \(label)\"",
                    "set ylabel \"\(label)\"",
                    "set yrange [0:*]",
                    "set terminal svg size 800,500 dynamic",
                    "set output \"\(stem)-\(kind).svg\"",
                    "plot " + plots.joined(separator: ", \\\n     "),
                    "set terminal png_terminal size 800,500",
                    "set output \"\(stem)-\(kind).png\"",
                    "replot",
                    "unset output",
                ]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the data and the script into `set`'s `plots/` and renders them with the gnuplot
    /// found on `searchPath` (default: `PATH`); returns what a reader should know (rendered
    /// files, or why not and how to fix it).
    public func write(into set: ResultSet, searchPath: String? = nil) throws(HarnessError) -> String {
        let folder = set.path(Self.folder)
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw .failed("cannot create \(folder): \(error.localizedDescription)")
        }
        let plotted = summary.groups.filter { !$0.threads.isEmpty }
        for group in plotted {
            try set.write(data(for: group), to: "\(Self.folder)/\(group.group.fileStem).dat")
        }
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
        return "plots: \(plotted.count * 4) SVG and PNG files in \(folder)"
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
