import Foundation
import PinCLI
import PinCore
import PinHarness

// libFuzzer's entry point: PINBENCH_FUZZ_TARGET picks what the bytes are fed to. Each target
// checks what must hold for any input (an error is fine, a crash or a broken invariant is a
// finding: `precondition` makes it one).

/// The four text parsers of the command line: the first byte picks one, the rest is the text.
func fuzzParsers(_ data: Data) {
    guard let selector = data.first else { return }
    let text = String(decoding: data.dropFirst(), as: UTF8.self)
    switch selector % 4 {
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

/// What `report` reads: runs.jsonl lines, summarised and rendered as summary.md and .csv.
func fuzzRecords(_ data: Data) {
    let decoder = JSONDecoder()
    let records = data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(RunRecord.self, from: Data($0)) }
    guard !records.isEmpty else { return }
    let summary = SweepSummary(records: records)
    _ = summary.markdown()
    _ = summary.csv()
    _ = summary.headline()
    _ = SummaryTable(records: records).markdown()
}

/// What `--resume` and `report` read besides the records: sweep.json and machine.json.
func fuzzSets(_ data: Data) {
    let decoder = JSONDecoder()
    if let machine = try? decoder.decode(MachineRecord.self, from: data) { _ = machine.oneLine }
    guard let specification = try? decoder.decode(SweepSpecification.self, from: data),
          (try? specification.validate()) != nil else { return }
    let cells = specification.cells
    for cell in cells.prefix(64) {
        _ = try? specification.configuration(for: cell)
        _ = specification.rounds
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
