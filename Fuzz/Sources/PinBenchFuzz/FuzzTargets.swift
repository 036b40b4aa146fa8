import Foundation
import PinCLI
import PinCore
import PinHarness

// libFuzzer's entry point: PINBENCH_FUZZ_TARGET picks what the bytes are fed to. Each target
// checks what must hold for any input (an error is fine, a crash or a broken invariant is a
// finding: `precondition` makes it one).

/// The four text parsers of the command line and io_uring's fdinfo buffer list: the first byte
/// picks one, the rest is the text.
func fuzzParsers(_ data: Data) {
    guard let selector = data.first else { return }
    let text = String(decoding: data.dropFirst(), as: UTF8.self)
    switch selector % 5 {
    case 0:
        guard let size = try? ByteSize(parsing: text) else { return }
        let printed = size.description
        precondition((try? ByteSize(parsing: printed)) == size, "\(size.bytes) prints as \(printed), which does not read back")
        _ = size.humanReadable
    case 1:
        let cpus = Int(selector / 4) + 1
        guard let counts = try? ThreadCounts(parsing: text, cpus: cpus) else { return }
        precondition(!counts.values.isEmpty && counts.values.allSatisfy { $0 >= 1 }, "thread counts \(counts.values)")
    case 2:
        guard let cpus = CPUList.parse(text) else { return }
        precondition(cpus.allSatisfy { $0 >= 0 && $0 < 65_536 }, "CPU numbers out of range")
        _ = CPUList.format(cpus.sorted())
    case 4:
        guard let list = try? RegisteredBufferList(fdinfo: text) else { return }
        precondition(list.buffers.count <= list.slots && list.buffers.allSatisfy { $0.length >= 0 && $0.length <= 1 << 30 },
                     "\(list.buffers.count) buffers in \(list.slots) slots")
        _ = list.bytes
    default:
        guard let topology = try? NUMATopology.simulated(text, totalMemoryBytes: 64 << 30, freeMemoryBytes: 32 << 30) else { return }
        precondition(!topology.nodes.isEmpty, "a topology with no node")
    }
}

/// The planners on arbitrary numbers: a plan, if made, tiles the range exactly.
func fuzzPlanners(_ data: Data) {
    var reader = ByteReader(data)
    let size = ByteSize(Int(truncatingIfNeeded: reader.next64()))
    let threads = Int(truncatingIfNeeded: reader.next64())
    let minChunk = ByteSize(Int(truncatingIfNeeded: reader.next64()))
    let maxThreads = Int(truncatingIfNeeded: reader.next64())
    let strategy = Strategy.allCases[Int(reader.next8()) % Strategy.allCases.count]
    let memory = MemoryKind.allCases[Int(reader.next8()) % MemoryKind.allCases.count]
    let align = CutAlign.allCases[Int(reader.next8()) % CutAlign.allCases.count]
    let cutAlign = CutAlign.allCases[Int(reader.next8()) % CutAlign.allCases.count]
    guard let plan = try? CutPlanner.plan(
        strategy: strategy, size: size, memory: memory, threads: threads, cutAlign: cutAlign,
        kernel: KernelPlanParameters(align: align, minChunk: minChunk, maxThreads: maxThreads))
    else { return }
    var next = 0
    for chunk in plan.chunks {
        precondition(chunk.offset == next && chunk.length > 0, "chunk \(chunk) after \(next)")
        next = chunk.end
    }
    precondition(next == size.bytes, "chunks end at \(next) of \(size.bytes)")
    precondition(plan.workers >= 1 && plan.workers <= max(threads, 1), "\(plan.workers) workers for \(threads) threads")
    _ = PlanReport.text(plan)
    _ = plan.cutsInsideFolio
}

/// What `report`, `report --compare` and `forecast` read: runs.jsonl lines, summarised and
/// rendered. A line that decodes holds only values in their documented ranges (decoding refuses
/// the rest), and nothing rendered from such records prints inf, nan or a negative time.
func fuzzRecords(_ data: Data) {
    let decoder = JSONDecoder()
    let records = data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(RunRecord.self, from: Data($0)) }
    guard !records.isEmpty else { return }
    for record in records {
        precondition(record.rangeProblem == nil, "decoded a record out of range: \(record.rangeProblem!)")
        // The ranges restated, independently of the table that states them.
        let times = [record.pinSeconds, record.unpinSeconds, record.threadStartSeconds]
            + [record.poolStartSeconds, record.hostWarmSeconds].compactMap { $0 }
        precondition(times.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 604_800 }, "time out of range: \(times)")
        precondition(record.sizeBytes >= 1 && record.threads >= 1 && record.workers >= 1 && record.chunks >= 1,
                     "size or count below 1")
        precondition(record.perThread.allSatisfy { $0.pinBusySeconds >= 0 && $0.unpinBusySeconds >= 0 && $0.pinBytes >= 0 })
    }
    let summary = SweepSummary(records: records)
    var texts = [summary.markdown(), summary.csv(), summary.headline(), SummaryTable(records: records).markdown(),
                 RunReport(title: "t", machineLine: "m", records: records).render(.csv)]
    let comparison = ResultComparison(base: summary, new: SweepSummary(records: records.reversed()))
    texts += [OutputFormat.markdown, .csv].map { comparison.render($0, baseName: "a", newName: "b") }
    // A set against itself: every rank test shifts by 0 and holds 0 in its interval.
    for row in comparison.rows {
        for shift in [row.pinShift, row.unpinShift].compactMap({ $0 }) {
            precondition(shift.shift == 0 && shift.verdict != .faster && shift.verdict != .slower, "a set against itself: \(shift)")
            precondition(shift.pValue >= 0 && shift.pValue <= 1 && shift.u >= 0, "p \(shift.pValue), U \(shift.u)")
        }
    }
    let largest = records.map(\.sizeBytes).max()!
    if let forecast = try? Forecast(records: records, size: ByteSize(min(largest * 2, 1 << 50))) {
        for row in forecast.predictions {
            guard let seconds = row.seconds else { continue }
            precondition(seconds.isFinite && seconds > 0, "predicted \(seconds) s")
            if let low = row.low, let high = row.high {
                precondition(low <= seconds && seconds <= high, "\(seconds) s outside its interval \(low)...\(high)")
            }
        }
        let report = ForecastReport(source: "s", machine: nil, forecast: forecast, validation: try? ForecastValidation(records: records))
        texts += [OutputFormat.markdown, .csv].map { report.render($0) }
    }
    // What the records say in words (a backend's name, a failure) is theirs, not a figure.
    var words: [String] = []
    for record in records {
        words += [record.backend.rawValue, record.error ?? "", record.pinnedCheck, record.unpinnedCheck]
        words += [record.backendOptions ?? "", record.cell ?? ""]
        if let metrics = record.backendMetrics {
            words += Array(metrics.values.keys)
            words += Array(metrics.notes.keys) + Array(metrics.notes.values)
        }
    }
    for var text in texts {
        for word in words where !word.isEmpty { text = text.replacingOccurrences(of: word, with: "") }
        if let found = impossible(in: text) { preconditionFailure("rendered \"\(found)\"") }
    }
}

/// A printed infinity, NaN or negative duration in `text`, if any. A signed difference (the
/// comparison's shift) prints its minus as U+2212, so a hyphen before a time is always a bug.
func impossible(in text: String) -> String? {
    let pattern = #"\b(inf|nan)(x|%|\b)|-\d[\d.]* (s|ms|µs|ns)\b"#
    guard let range = text.range(of: pattern, options: .regularExpression) else { return nil }
    return String(text[range])
}

/// What `--resume` and `report` read besides the records: sweep.json and machine.json.
func fuzzSets(_ data: Data) {
    let decoder = JSONDecoder()
    if let machine = try? decoder.decode(MachineRecord.self, from: data), machine.rangeProblem == nil {
        // What a table prints of a machine that passed its ranges.
        precondition(machine.onlineCPUs >= 1 && machine.memoryTotalBytes >= 0, "machine out of range")
        let line = machine.oneLine
        // Its words (host, kernel, CPU, THP and memlock settings) are its own, not figures.
        var numbers = line
        for word in [machine.hostname, machine.cpuModel, machine.kernelRelease, machine.thpEnabled, machine.thpDefrag,
                     machine.memlock.description, machine.emulation ?? ""] where !word.isEmpty {
            numbers = numbers.replacingOccurrences(of: word, with: "")
        }
        if let found = impossible(in: numbers) { preconditionFailure("machine line \"\(found)\"") }
    }
    guard let specification = try? decoder.decode(SweepSpecification.self, from: data),
          (try? specification.validate()) != nil else { return }
    precondition(specification.repetitions >= 1 && specification.warmups >= 0, "rounds out of range")
    precondition(specification.sizes.allSatisfy { $0 >= 1 } && specification.threads.allSatisfy { $0 >= 1 }, "size or threads below 1")
    let cells = specification.cells
    for cell in cells.prefix(64) {
        _ = try? specification.configuration(for: cell)
        // --reps auto's replay on an empty set: the fixed rounds, pending.
        let rounds = specification.rounds(of: cell, finished: FinishedRounds())
        precondition(rounds.needed == specification.rounds && rounds.needed <= specification.roundLimit, "rounds \(rounds)")
    }
    _ = specification.largestHugetlbRegions(in: cells)
}

/// Reads fixed-width numbers from the input, zeros past its end.
struct ByteReader {
    var bytes: [UInt8]
    var index = 0

    init(_ data: Data) { bytes = Array(data) }

    mutating func next8() -> UInt8 {
        defer { index += 1 }
        return index < bytes.count ? bytes[index] : 0
    }

    mutating func next64() -> UInt64 {
        (0..<8).reduce(UInt64(0)) { value, _ in value << 8 | UInt64(next8()) }
    }
}

/// The real commands' parsing and validation, in process (`PinBenchCommand.parseAsRoot`, which
/// runs every `validate()`: each option's range, the lists, the backend options, a sweep's whole
/// specification; nothing measures or touches the machine). The input is an argument list: a
/// first byte below 0x80 makes it one argument per line as typed; otherwise each following byte
/// picks a token from `CommandVocabulary` (subcommands, options, extreme numbers) so the search
/// starts near real command lines. Whatever is typed, parsing yields a command or throws; the
/// error's status is one `ExitStatus` documents for parsing (0 for help, 2 for bad input) and
/// its message is one line. A crash or another status is a finding.
func fuzzCommands(_ data: Data) {
    let arguments = CommandVocabulary.arguments(from: data)
    do {
        _ = try PinBenchCommand.parseAsRoot(arguments)
    } catch {
        let status = PinBenchCommand.parseStatus(for: error)
        precondition(status == .done || status == .badInput, "\(arguments): status \(status.rawValue)")
        guard status == .badInput else { return }
        let message = PinBenchCommand.message(for: error)
        precondition(!message.isEmpty && !message.contains("\n"), "\(arguments): a message of more than one line: \(message)")
        precondition(!message.contains("Error Domain") && !message.contains("DecodingError"), "\(arguments): a framework's dump: \(message)")
    }
}

/// One input, to the target PINBENCH_FUZZ_TARGET names (libFuzzer's callback).
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let data = Data(bytes: start, count: count)
    switch ProcessInfo.processInfo.environment["PINBENCH_FUZZ_TARGET"] ?? "parsers" {
    case "planners": fuzzPlanners(data)
    case "records": fuzzRecords(data)
    case "sets": fuzzSets(data)
    case "commands": fuzzCommands(data)
    default: fuzzParsers(data)
    }
    return 0
}

/// libFuzzer's own entry point, for when its `main` is the one linked.
@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzzOne(start, count) }
