/// What `/proc/meminfo` says the machine can give, and how much PinBench keeps back.
public struct MemoryInfo: Sendable, Equatable {
    public var totalBytes: Int
    public var availableBytes: Int

    public init(totalBytes: Int, availableBytes: Int) {
        self.totalBytes = totalBytes
        self.availableBytes = availableBytes
    }

    public init(parsing text: String) {
        let fields = ProcFile.parseKilobyteFields(text)
        self.init(totalBytes: fields["MemTotal"] ?? 0, availableBytes: fields["MemAvailable"] ?? 0)
    }

    public static func current() throws(SystemError) -> MemoryInfo {
        MemoryInfo(parsing: try ProcFile.read("/proc/meminfo"))
    }

    /// Kept free so that a run never pushes the machine into reclaim or the OOM killer:
    /// 1/32 of RAM, at least 256 MiB and at most 4 GiB.
    public var marginBytes: Int {
        min(max(totalBytes / 32, 256 << 20), 4 << 30)
    }

    /// The largest region of ordinary (non-hugetlb) memory PinBench will map.
    public var usableBytes: Int { max(availableBytes - marginBytes, 0) }
}
