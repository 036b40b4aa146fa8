import PinSystem

/// The `kmod` backend's options: how the module pins (`--gup remote|fast|memfd`), pages per
/// pin call (`--gup-batch`), how it unpins (`--unpin per-page|folio`), and whether its helpers
/// are placed on nodes (`--bind roundrobin`).
public struct KmodOptions: Sendable, Equatable, Codable, CustomStringConvertible {
    public var pin: PinBenchModule.PinPath
    /// Pages (folios for `memfd`) per pin call in the module; type1 pins 512 at a time.
    public var gupBatch: Int
    public var unpin: GUPMode
    /// Helpers queued round-robin over nodes with CPUs (`queue_work_node`), as padata does.
    public var numaAware: Bool

    public static let defaultBatch = 512
    /// The module's bound (`PB_MAX_BATCH`).
    public static let maxBatch = 4096

    public init(pin: PinBenchModule.PinPath = .remote, gupBatch: Int = defaultBatch, unpin: GUPMode = .folio,
                numaAware: Bool = false) {
        self.pin = pin
        self.gupBatch = gupBatch
        self.unpin = unpin
        self.numaAware = numaAware
    }

    /// "gup remote, batch 512, unpin folio, helpers unbound".
    public var description: String {
        "gup \(pin), batch \(gupBatch), unpin \(unpin), helpers \(numaAware ? "round-robin over nodes" : "unbound")"
    }
}
