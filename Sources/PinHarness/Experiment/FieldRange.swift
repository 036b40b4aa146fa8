import PinCore

/// What values a numeric field read back from a result set may hold: the one place each kind of
/// field's bounds are stated (`RunRecord.fieldRanges`, `MachineRecord.fieldRanges`), checked
/// right after decoding and before any arithmetic, so a damaged or hand-edited file is refused
/// with its field named rather than rendered as "-496 ms" or trapped on.
struct FieldRange: Sendable, Equatable, CustomStringConvertible {
    var lowest: Double
    var highest: Double
    /// How the bounds print: "s", "bytes", or "" for counts.
    var unit: String

    /// A repetition's phase, a thread's busy time, a warm-up: finite, 0 to one week. No
    /// repetition PinBench runs takes a week (a TiB pins in minutes); a larger value is damage.
    static let seconds = FieldRange(lowest: 0, highest: 7 * 24 * 3600, unit: "s")
    /// A region or chunk: 1 byte to the largest address space PinBench plans in (2^56).
    static let bytes = FieldRange(lowest: 1, highest: Double(AddressSpace.largest.bytes), unit: "bytes")
    /// Bytes that may be none (what a thread handled, free memory): 0 to 2^56.
    static let byteCount = FieldRange(lowest: 0, highest: Double(AddressSpace.largest.bytes), unit: "bytes")
    /// Threads, workers, a maximum thread count: 1 to the most workers PinBench plans (2^20).
    static let workers = FieldRange(lowest: 1, highest: Double(CutPlanner.maxWorkers), unit: "")
    /// Pages, chunks, cuts, folios handled: 0 to the base pages of the largest address space (2^44).
    static let pageCount = FieldRange(lowest: 0, highest: Double(AddressSpace.largest.bytes / PageSize.base.bytes), unit: "")
    /// Pages or chunks of a job that ran: at least one.
    static let positivePageCount = FieldRange(lowest: 1, highest: pageCount.highest, unit: "")
    /// A worker's index: 0 to the most workers less one.
    static let workerIndex = FieldRange(lowest: 0, highest: Double(CutPlanner.maxWorkers - 1), unit: "")
    /// A repetition or round number: 0 to 2^31 (far more than any sweep's rounds).
    static let repetition = FieldRange(lowest: 0, highest: Double(1 << 31), unit: "")
    /// A CPU number, -1 when unknown (`sched_getcpu` failed): below 65536, as CPU lists are.
    static let cpu = FieldRange(lowest: -1, highest: 65_535, unit: "")
    /// CPUs, cores, sockets, NUMA nodes of a machine: 1 to 65536.
    static let machineCount = FieldRange(lowest: 1, highest: 65_536, unit: "")
    /// A backend's metric (counts, seconds or bytes): finite, 0 to 2^56.
    static let metric = FieldRange(lowest: 0, highest: Double(AddressSpace.largest.bytes), unit: "")
    /// A share (of sampled pages on the intended node): 0 to 1.
    static let share = FieldRange(lowest: 0, highest: 1, unit: "")

    func contains(_ value: Double) -> Bool { value.isFinite && value >= lowest && value <= highest }

    func contains(_ value: Int) -> Bool { Double(value) >= lowest && Double(value) <= highest }

    /// `0 to 604800 s`, `1 to 1048576`.
    var description: String {
        func bound(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e18 ? String(Int(value)) : "\(value)"
        }
        return "\(bound(lowest)) to \(bound(highest))" + (unit.isEmpty ? "" : " \(unit)")
    }
}
