import PinSystem

/// The `kmod` backend's options: how the module pins (`--gup remote|fast|memfd`), pages per
/// pin call (`--gup-batch`), how it unpins (`--unpin per-page|folio`), whether its helpers
/// are placed on nodes (`--bind roundrobin`), and whether it also maps into a device's IOMMU
/// domain (`--map-device`, `--iova-base`).
public struct KmodOptions: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Pin and map: the module maps what it pins into the paging domain it owns for a PCI
    /// device bound to it, the region's byte x at IOVA `iovaBase + x`.
    public struct Map: Sendable, Equatable, Codable {
        /// The device's PCI address (`0000:00:04.0`).
        public var device: String
        public var iovaBase: Int

        /// 4 GiB: above the x86 MSI window (0xfee00000) and the low reserved ranges an IOMMU
        /// reports, as a VMM's guest RAM above 4G would be.
        public static let defaultIOVABase = 1 << 32

        public init(device: String, iovaBase: Int = defaultIOVABase) {
            self.device = device
            self.iovaBase = iovaBase
        }
    }

    public var pin: PinBenchModule.PinPath
    /// Pages (folios for `memfd`) per pin call in the module; type1 pins 512 at a time.
    public var gupBatch: Int
    public var unpin: GUPMode
    /// Helpers queued round-robin over nodes with CPUs (`queue_work_node`), as padata does.
    public var numaAware: Bool
    /// Map what is pinned into a device's domain; nil pins only.
    public var map: Map?

    public static let defaultBatch = 512
    /// The module's bound (`PB_MAX_BATCH`): 1 GiB of base pages per call, so one call can
    /// take a whole range as the kernel's gup_test -n -1 does.
    public static let maxBatch = 262_144

    public init(pin: PinBenchModule.PinPath = .remote, gupBatch: Int = defaultBatch, unpin: GUPMode = .folio,
                numaAware: Bool = false, map: Map? = nil) {
        self.pin = pin
        self.gupBatch = gupBatch
        self.unpin = unpin
        self.numaAware = numaAware
        self.map = map
    }

    /// "gup remote, batch 512, unpin folio, helpers unbound[, mapped into 0000:00:04.0 from IOVA 0x100000000]".
    public var description: String {
        "gup \(pin), batch \(gupBatch), unpin \(unpin), helpers \(numaAware ? "round-robin over nodes" : "unbound")"
            + (map.map { ", mapped into \($0.device) from IOVA 0x\(String($0.iovaBase, radix: 16))" } ?? "")
    }
}
