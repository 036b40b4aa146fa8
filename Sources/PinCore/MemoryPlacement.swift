/// `--node`: where a region's memory should come from, set with `mbind` before the first touch.
public enum MemoryPlacement: Sendable, Hashable, Codable, CustomStringConvertible {
    /// No policy: the kernel's default, the node of whichever CPU touches a page first.
    case firstTouch
    /// `MPOL_BIND` to one node.
    case node(Int)
    /// `MPOL_INTERLEAVE` over every node with memory, page by page.
    case interleave
    /// `MPOL_LOCAL`: the node of the faulting CPU, stated explicitly (overrides a task policy).
    case local
    /// `MPOL_BIND` to the node of the DMA device the backend maps for (its sysfs `numa_node`):
    /// resolved to `node(_:)` before anything is bound, by whoever knows the device.
    case device

    /// `first-touch`, `0`, `interleave` or `local`: what `--node` takes and records show.
    public var description: String {
        switch self {
        case .firstTouch: return "first-touch"
        case .node(let id): return "\(id)"
        case .interleave: return "interleave"
        case .local: return "local"
        case .device: return "device"
        }
    }

    /// Parses `--node`: a node number, `interleave`, `local`, `device`, or `first-touch` (also `none`).
    public static func parse(_ text: String) throws(TopologyError) -> MemoryPlacement {
        switch text.trimmingWhitespace().lowercased() {
        case "first-touch", "none", "default": return .firstTouch
        case "interleave": return .interleave
        case "local": return .local
        case "device": return .device
        case let other:
            guard !other.isEmpty, other.count <= 4, other.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int(other) else {
                throw .invalidPlacement(text)
            }
            return .node(id)
        }
    }

    /// Whether a policy is set with `mbind` (everything but `firstTouch`).
    public var bindsMemory: Bool { self != .firstTouch }

    /// Checks that `topology` can hold memory this way: the node exists and has memory.
    public func validate(on topology: NUMATopology) throws(TopologyError) {
        guard case .node(let id) = self else { return }
        guard let node = topology.node(id) else {
            throw .noSuchNode(id, nodes: topology.nodeIDs, simulated: topology.isSimulated)
        }
        guard node.memoryBytes > 0 else { throw .nodeWithoutMemory(id) }
    }

    /// The nodes pages should land on, given the nodes the pinning threads ran on (which is
    /// what `local` and first touch follow). `device` is resolved before: none are known here.
    public func intendedNodes(on topology: NUMATopology, workerNodes: [Int]) -> [Int] {
        switch self {
        case .node(let id): return [id]
        case .interleave: return topology.nodesWithMemory.map(\.id)
        case .local, .firstTouch: return Array(Set(workerNodes)).sorted()
        case .device: return []
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try Self.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
