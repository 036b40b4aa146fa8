/// The memory figures of `/proc/self/status` that pinning changes, in bytes.
public struct ProcStatus: Sendable, Equatable {
    /// `VmRSS`: resident set.
    public var residentBytes: Int
    /// `VmLck`: bytes in `VM_LOCKED` mappings (mlock; not charged for hugetlb mappings).
    public var lockedBytes: Int
    /// `VmPin`: long-term pinned bytes (`pinned_vm`: io_uring buffers, RDMA).
    public var pinnedBytes: Int

    public init(residentBytes: Int, lockedBytes: Int, pinnedBytes: Int) {
        self.residentBytes = residentBytes
        self.lockedBytes = lockedBytes
        self.pinnedBytes = pinnedBytes
    }

    /// Parses the text of a `status` file.
    public init(parsing text: String) {
        let fields = ProcFile.parseKilobyteFields(text)
        self.init(
            residentBytes: fields["VmRSS"] ?? 0,
            lockedBytes: fields["VmLck"] ?? 0,
            pinnedBytes: fields["VmPin"] ?? 0)
    }

    /// Reads `/proc/self/status` now.
    public static func current() throws(SystemError) -> ProcStatus {
        ProcStatus(parsing: try ProcFile.read("/proc/self/status"))
    }
}

extension ProcStatus {
    /// `AnonHugePages` of `/proc/self/smaps_rollup`: anonymous memory mapped by THPs, in bytes.
    public static func anonHugePagesBytes() throws(SystemError) -> Int {
        ProcFile.parseKilobyteFields(try ProcFile.read("/proc/self/smaps_rollup"))["AnonHugePages"] ?? 0
    }
}
