#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PinSystem

/// A result set on disk: `results/<host>-<yyyy-mm-dd>[-<label>]/` with `sweep.json`,
/// `machine.json`, `runs.jsonl`, `skipped.jsonl`, the summaries, `plots/` and `README.md`.
/// Records are only ever appended; everything else is re-rendered from them by `report`.
public struct ResultSet: Sendable {
    public let directory: String

    public static let specificationFile = "sweep.json"
    public static let machineFile = "machine.json"
    public static let runsFile = "runs.jsonl"
    public static let skippedFile = "skipped.jsonl"

    init(directory: String) { self.directory = directory }

    public func path(_ name: String) -> String { "\(directory)/\(name)" }

    // MARK: - Creating and opening

    /// Creates `<parent>/<host>-<date>[-<label>]`, or with `-2`, `-3`, ... appended when that
    /// exists already, so a second sweep on the same day never mixes into the first.
    public static func create(parent: String, host: String, date: String, label: String?) throws(HarnessError) -> ResultSet {
        try checkLabel(label)
        let stem = "\(parent)/\(host)-\(date)" + (label.map { "-\($0)" } ?? "")
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw HarnessError(file: error, "cannot create \(parent)", path: parent)
        }
        var candidate = stem
        var suffix = 2
        // mkdir(2) fails on an existing name, so two sweeps started at once never share a set.
        while true {
            do {
                try Syscall.makeDirectory(candidate)
                return ResultSet(directory: candidate)
            } catch where error.errno == EEXIST {
                candidate = "\(stem)-\(suffix)"
                suffix += 1
            } catch {
                throw .invalidInput("cannot create \(candidate): \(error); choose a writable folder with --results")
            }
        }
    }

    /// Refuses a `--label` that would not be one plain part of a folder name.
    public static func checkLabel(_ label: String?) throws(HarnessError) {
        guard let label else { return }
        if label.isEmpty || label.count > 64 || label.hasPrefix(".")
            || label.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0))) }) {
            throw .invalidInput("--label '\(label)' must be 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'")
        }
    }

    /// Creates exactly `directory` (and its parents), or takes it when it exists and is empty
    /// (`checkOutput`).
    public static func create(at directory: String) throws(HarnessError) -> ResultSet {
        if try checkOutput(directory) { return ResultSet(directory: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw HarnessError(file: error, "cannot create \(directory)", path: directory)
        }
        return ResultSet(directory: directory)
    }

    /// Whether `directory` exists, after refusing it unless it is an empty folder: one that
    /// holds a sweep is resumed, not written over, and one that holds anything else is the
    /// user's, and PinBench never overwrites a file it did not write. Writes nothing.
    public static func checkOutput(_ directory: String) throws(HarnessError) -> Bool {
        let set = ResultSet(directory: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return false }
        guard isDirectory.boolValue else {
            throw .invalidInput("--output \(directory) is a file, not a folder: choose a new or empty folder")
        }
        if set.exists(runsFile) || set.exists(specificationFile) {
            throw .invalidInput("\(directory) already holds a sweep; finish it with `pinbench sweep --resume \(directory)` or choose another --output")
        }
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw HarnessError(file: error, "cannot read \(directory)", path: directory)
        }
        guard entries.isEmpty else {
            let shown = entries.sorted().prefix(3).joined(separator: ", ") + (entries.count > 3 ? ", ..." : "")
            throw .invalidInput("--output \(directory) is not empty (it holds \(shown)) and is not a result set: "
                + "choose a new or empty folder, so nothing there is overwritten")
        }
        guard access(directory, W_OK) == 0 else {
            throw .invalidInput("--output \(directory) is not writable: \(String(cString: strerror(errno))); choose a writable folder")
        }
        return true
    }

    /// Opens an existing set; it must at least hold `runs.jsonl` or `sweep.json`.
    public static func open(_ directory: String) throws(HarnessError) -> ResultSet {
        let set = ResultSet(directory: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidInput("\(directory) is not a result set folder")
        }
        guard FileManager.default.fileExists(atPath: set.path(runsFile))
            || FileManager.default.fileExists(atPath: set.path(specificationFile))
        else {
            throw .invalidInput("\(directory) holds neither \(runsFile) nor \(specificationFile): not a result set")
        }
        return set
    }

    // MARK: - Files

    /// Writes `text` to `name` through a temporary file and a rename, so a reader never sees
    /// half a file.
    public func write(_ text: String, to name: String) throws(HarnessError) {
        try Self.writeFile(text, to: path(name))
    }

    /// Writes `text` to the file at `target`, through a temporary file and a rename; on failure
    /// the temporary file is removed.
    public static func writeFile(_ text: String, to target: String) throws(HarnessError) {
        let temporary = target + ".tmp"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            try Syscall.rename(temporary, target)
        } catch {
            Syscall.unlink(temporary)  // a full disk must not leave a half-written file behind
            throw HarnessError(file: error, "cannot write \(target)", path: target)
        }
    }

    public func writeJSON<T: Encodable>(_ value: T, to name: String) throws(HarnessError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try write(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n", to: name)
        } catch let error as HarnessError {
            throw error
        } catch {
            throw .failed("cannot encode \(name): \(ErrorText.line(error))")
        }
    }

    public func readJSON<T: Decodable>(_ type: T.Type, from name: String) throws(HarnessError) -> T {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw HarnessError(file: error, "cannot read \(path(name))", path: path(name))
        }
    }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// An appender for `runs.jsonl` (or another JSON Lines file of the set).
    public func appender(for name: String = runsFile) throws(HarnessError) -> JSONLinesAppender {
        do { return try JSONLinesAppender(path: path(name)) } catch {
            throw HarnessError(file: error, "cannot open \(path(name)) for appending", path: path(name))
        }
    }

    // MARK: - Records

    /// Every record of `runs.jsonl`. A last line without its newline (a process killed in the
    /// middle of a write) is ignored; any other line that does not parse is an error naming it.
    /// The records with each (cell, round, warm-up) counted once, the first kept, and how many
    /// repeats were left out (two sweeps once wrote one set at once). Records without a cell
    /// (`run --jsonl`) are all kept.
    public func readUniqueRecords() throws(HarnessError) -> (records: [RunRecord], duplicates: Int) {
        Self.unique(try readRecords())
    }

    static func unique(_ records: [RunRecord]) -> (records: [RunRecord], duplicates: Int) {
        var seen: Set<String> = []
        let kept = records.filter { record in
            guard let cell = record.cell, let round = record.round else { return true }
            return seen.insert("\(Sweep.pairKey(cell, round: round))/\(record.warmup)").inserted
        }
        return (kept, records.count - kept.count)
    }

    public func readRecords() throws(HarnessError) -> [RunRecord] {
        try readLines(RunRecord.self, from: Self.runsFile)
    }

    public func readSkipped() throws(HarnessError) -> [SkippedCell] {
        exists(Self.skippedFile) ? try readLines(SkippedCell.self, from: Self.skippedFile) : []
    }

    func readLines<T: Decodable>(_ type: T.Type, from name: String) throws(HarnessError) -> [T] {
        guard exists(name) else { return [] }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path(name))) } catch {
            throw HarnessError(file: error, "cannot read \(path(name))", path: path(name))
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // After the final newline comes an empty piece, or the unfinished line a kill left.
        lines.removeLast()
        let decoder = JSONDecoder()
        var values: [T] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do { values.append(try decoder.decode(type, from: Data(line))) } catch {
                throw .invalidInput(Self.lineProblem(path(name), line: index + 1, error))
            }
        }
        return values
    }

    /// Cuts an unfinished last line off `runs.jsonl` so that appending can go on; says whether
    /// there was one.
    @discardableResult
    public func truncateUnfinishedLine(of name: String = runsFile) throws(HarnessError) -> Bool {
        guard let data = FileManager.default.contents(atPath: path(name)), let last = data.last,
              last != UInt8(ascii: "\n")
        else { return false }
        let keep = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        guard truncate(path(name), off_t(keep)) == 0 else {
            throw .failed("cannot truncate the unfinished line of \(path(name)): \(String(cString: strerror(errno)))")
        }
        return true
    }
}

/// A cell the sweep could not run on this machine, and why (`skipped.jsonl`).
public struct SkippedCell: Sendable, Codable, Equatable {
    public var cell: String
    public var reason: String

    public init(cell: String, reason: String) {
        self.cell = cell
        self.reason = reason
    }
}
