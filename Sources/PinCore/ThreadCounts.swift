/// The thread counts a sweep visits, parsed the way users type them:
/// `4`, `1,2,4,8`, `1..64` (powers of two from 1 to 64), `1..nproc`, `2..16:2` (every second
/// count), and comma lists of those. The result is sorted and free of duplicates.
public struct ThreadCounts: Sendable, Equatable, CustomStringConvertible {
    public let values: [Int]

    public init(_ values: [Int]) {
        self.values = Array(Set(values)).sorted()
    }

    /// Parses `text`; `nproc` (or `cpus`) stands for `cpus`, the CPUs this process may use.
    ///
    /// A range `A..B` holds A, every power of two strictly between A and B, and B itself, so
    /// `1..64` is 1, 2, 4, ..., 64 and `1..nproc` on 96 CPUs ends 32, 64, 96. `A..B:S` steps by S.
    public init(parsing text: String, cpus: Int) throws(ThreadCountsError) {
        let items = text.filter { !$0.isWhitespace }.split(separator: ",", omittingEmptySubsequences: false)
            .map(String.init)
        guard !items.isEmpty, !items.contains(where: \.isEmpty) else { throw .malformed(text) }
        var values: [Int] = []
        for item in items {
            if let dots = item.firstRange(of: "..") {
                let lowText = String(item[..<dots.lowerBound])
                var highText = String(item[dots.upperBound...])
                var step: Int?
                if let colon = highText.firstIndex(of: ":") {
                    guard let parsed = Int(highText[highText.index(after: colon)...]), parsed >= 1 else {
                        throw .badStep(item)
                    }
                    step = parsed
                    highText = String(highText[..<colon])
                }
                let low = try Self.count(lowText, cpus: cpus, item: item)
                let high = try Self.count(highText, cpus: cpus, item: item)
                guard low <= high else { throw .emptyRange(item) }
                if let step {
                    guard (high - low) / step < Self.maxCounts else { throw .tooMany(item, limit: Self.maxCounts) }
                    values += Array(stride(from: low, through: high, by: step))
                    values.append(high)
                } else {
                    values.append(low)
                    var power = 1
                    while power <= low { power *= 2 }
                    while power < high {
                        values.append(power)
                        power *= 2
                    }
                    values.append(high)
                }
            } else {
                values.append(try Self.count(item, cpus: cpus, item: item))
            }
        }
        guard Set(values).count <= Self.maxCounts else { throw .tooMany(text, limit: Self.maxCounts) }
        self.init(values)
    }

    /// The most counts one list may hold (each is a sweep column), and the largest count: as
    /// many workers as a plan may have (`CutPlanner.maxWorkers`).
    public static let maxCounts = 1024

    /// One count: a positive integer, or `nproc` / `cpus`.
    static func count(_ text: String, cpus: Int, item: String) throws(ThreadCountsError) -> Int {
        switch text.lowercased() {
        case "nproc", "cpus": return cpus
        default:
            guard let value = Int(text) else { throw .malformed(item) }
            guard value >= 1 else { throw .notPositive(item) }
            guard value <= CutPlanner.maxWorkers else { throw .tooLarge(item, limit: CutPlanner.maxWorkers) }
            return value
        }
    }

    /// The shortest list that reads back to the same counts: `1,2,4,8`.
    public var description: String { values.map(String.init).joined(separator: ",") }
}

/// Why a thread-count list did not parse; each says what would be accepted.
public enum ThreadCountsError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case notPositive(String)
    case emptyRange(String)
    case badStep(String)
    case tooLarge(String, limit: Int)
    case tooMany(String, limit: Int)

    static let accepted = "write counts like 4, 1,2,4,8, 1..64 (powers of two), 1..nproc or 2..16:2"

    public var description: String {
        switch self {
        case .malformed(let text): return "cannot read thread counts '\(text)': \(Self.accepted)"
        case .notPositive(let text): return "thread counts must be at least 1 (got '\(text)')"
        case .emptyRange(let text): return "range '\(text)' is empty: its start is above its end"
        case .badStep(let text): return "range '\(text)' needs a positive step after ':'"
        case .tooLarge(let text, let limit): return "thread count '\(text)' is above \(limit), the most workers PinBench plans"
        case .tooMany(let text, let limit): return "'\(text)' makes more than \(limit) thread counts: give fewer, or a larger step"
        }
    }
}
