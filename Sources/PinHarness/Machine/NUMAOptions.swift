import PinCore

/// `--node`, `--bind` and `--topology` as a run or sweep was asked for them (kept in `sweep.json`).
public struct NUMAOptions: Sendable, Equatable, Codable, CustomStringConvertible {
    public var placement: MemoryPlacement
    public var bind: BindPolicy
    /// A `--topology` shape to plan and bind for instead of the machine's, or nil.
    public var topology: String?

    public init(placement: MemoryPlacement = .firstTouch, bind: BindPolicy = .none, topology: String? = nil) {
        self.placement = placement
        self.bind = bind
        self.topology = topology
    }

    /// Whether anything differs from the defaults (first touch, unbound, this machine).
    public var isDefault: Bool { placement == .firstTouch && bind == .none && topology == nil }

    /// "node 0, bind local" or "node first-touch, bind none, topology 2x8 (simulated)".
    public var description: String {
        "node \(placement), bind \(bind)" + (topology.map { ", topology \($0) (simulated)" } ?? "")
    }
}
