#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinHarness
import PinSystem

/// Shows a sweep's progress on stderr: a bar with ETA redrawn in place on a terminal, a plain
/// line every 10 seconds otherwise (logs, CI). Skips, failures and notices get lines of their own.
final class SweepProgress {
    private let isTerminal = isatty(2) != 0
    private let start = MonotonicClock.now()
    private var toRun = 0
    private var done = 0
    private var lastLine = 0.0
    private var last = ""
    private var barShown = false
    private var hintedHugepages = false

    static let lineInterval = 10.0
    /// Cells named in a `--reps auto` round's line; the rest are counted.
    static let cellsNamed = 6

    func handle(_ event: Sweep.Event) {
        switch event {
        case .reserved(let message):
            say("pinbench: \(message)")
        case .skipped(let cells, let reason):
            let what = cells.count == 1 ? cells[0].id : "\(cells[0].group) (\(cells.count) cells)"
            say("pinbench: skipping \(what): \(reason)")
            if !hintedHugepages && reason.contains("sudo tee /sys/kernel/mm/hugepages") {
                hintedHugepages = true
                say("pinbench: hint: as root, --reserve-hugepages reserves what the sweep needs and gives it back at the end "
                    + "(scripts/sweep.sh does this); scripts/reserve-hugepages.sh reserves pages that stay")
            }
        case .poolStarted(let helpers, let seconds):
            say("pinbench: kernel strategy: \(helpers) pooled helpers started in \(DurationFormat.seconds(seconds))")
        case .started(let toRun, let alreadyDone):
            self.toRun = toRun
            say("pinbench: \(toRun) repetitions to run" + (alreadyDone > 0 ? " (\(alreadyDone) already on disk)" : ""))
        case .roundAdded(let round, let cells, let toRun):
            self.toRun = toRun
            // Which cells, and how far each is from the target; a long list is cut short.
            let shown = cells.prefix(Self.cellsNamed).map { "\($0.cell.id) (\($0.judgement.widest))" }
            say("pinbench: --reps auto: round \(round) for \(cells.count) cell\(cells.count == 1 ? "" : "s") still wider than the target: "
                + shown.joined(separator: ", ") + (cells.count > Self.cellsNamed ? ", and \(cells.count - Self.cellsNamed) more" : ""))
        case .finished(let record, let done, _):
            self.done = done
            last = "\(record.cell ?? record.variant.description) \(record.warmup ? "warm-up" : "rep \(record.rep + 1)") "
                + DurationFormat.seconds(record.pinSeconds)
            if !record.verified {
                say("pinbench: FAILED \(record.cell ?? record.variant.description) round \(record.round ?? 0): "
                    + (record.error.map { "\($0); \(record.unpinnedCheck)" } ?? "\(record.pinnedCheck); \(record.unpinnedCheck)"))
            }
            update()
        case .notRun(let cell, let round, let reason):
            say("pinbench: could not run \(cell.id) round \(round) (not recorded; --resume retries it): \(reason)")
        case .discarded(let cell, let round):
            say("pinbench: discarded the interrupted repetition of \(cell.id) (round \(round)); everything before it is on disk")
        }
    }

    /// Leaves the terminal on a fresh line.
    func finish() {
        if barShown { printError("\n", terminator: "") }
        barShown = false
    }

    private var elapsed: Double { MonotonicClock.seconds(from: start, to: MonotonicClock.now()) }

    private var status: String {
        let share = toRun > 0 ? Double(done) / Double(toRun) : 1
        var text = "\(done)/\(toRun) (\(DurationFormat.percent(share))), elapsed \(Self.clock(elapsed))"
        if done > 0 && done < toRun { text += ", ETA \(Self.clock(elapsed / Double(done) * Double(toRun - done)))" }
        return text
    }

    private func update() {
        if isTerminal {
            let width = 24
            let filled = toRun > 0 ? min(width, done * width / toRun) : width
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            printError("\r\u{1B}[K[\(bar)] \(status)  \(last)", terminator: "")
            barShown = true
        } else if elapsed - lastLine >= Self.lineInterval || done == toRun {
            lastLine = elapsed
            printError("pinbench: \(status); last \(last)")
        }
    }

    /// A line of its own, above the bar.
    private func say(_ line: String) {
        if barShown { printError("\r\u{1B}[K", terminator: "") }
        printError(line)
        if barShown { update() }
    }

    /// `45s`, `3m05s`, `1h02m`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60 < 10 ? "0" : "")\(total % 60)s" }
        return "\(total / 3600)h\(total % 3600 / 60 < 10 ? "0" : "")\(total % 3600 / 60)m"
    }
}
