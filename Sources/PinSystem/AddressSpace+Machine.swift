import PinCore

extension AddressSpace {
    /// This machine's ceiling: 5-level page tables give the kernel a vmalloc area of 12.5 PiB
    /// where 4-level gives 32 TiB (`VmallocTotal` in /proc/meminfo), so a total above 64 TiB
    /// means 5-level. Unreadable: the 4-level ceiling, the smaller and usual one. Read once per
    /// process (the paging mode is fixed at boot): every region mapped asks.
    public static func current() -> AddressSpace { machine }

    private static let machine: AddressSpace = {
        guard let text = try? ProcFile.read("/proc/meminfo"),
              let vmallocBytes = ProcFile.parseKilobyteFields(text)["VmallocTotal"] else { return .fourLevel }
        return fromVmallocTotal(bytes: vmallocBytes)
    }()

    /// The ceiling a `VmallocTotal` (in bytes, as `parseKilobyteFields` gives it) implies.
    static func fromVmallocTotal(bytes: Int) -> AddressSpace {
        bytes > 64 << 40 ? .fiveLevel : .fourLevel
    }
}
