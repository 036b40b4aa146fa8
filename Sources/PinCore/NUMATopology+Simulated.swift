/// `--topology`: a made-up NUMA shape for planning and tests on single-node machines.
extension NUMATopology {
    /// Parses `2x8` (2 nodes of 8 CPUs, numbered on) or `0:0-7,1:8-15` (node:cpulist; a cpulist
    /// may go on over commas, `0:0-7,16-23,1:8-15,24-31`, and `2:` is a CPU-less node).
    /// `totalMemoryBytes` (the machine's) is shared evenly among the nodes, so capacity checks
    /// stay honest; distances are 10 to self and 20 to others.
    public static func simulated(_ text: String, totalMemoryBytes: Int, freeMemoryBytes: Int) throws(TopologyError) -> NUMATopology {
        let spec = text.trimmingWhitespace()
        let cpusByNode = try (spec.contains(":") ? parseNodeList(spec) : parseGrid(spec))
        let count = cpusByNode.count
        let nodes = cpusByNode.map { entry in
            Node(id: entry.id, cpus: entry.cpus, memoryBytes: totalMemoryBytes / count, freeBytes: freeMemoryBytes / count)
        }
        let distances = (0..<count).map { row in
            (0..<count).map { $0 == row ? localDistance : remoteDistance }
        }
        return NUMATopology(nodes: nodes, distances: distances, simulatedFrom: spec)
    }

    /// `NxM`: N nodes, M CPUs each, CPUs numbered node by node.
    private static func parseGrid(_ spec: String) throws(TopologyError) -> [(id: Int, cpus: [Int])] {
        let parts = spec.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let nodes = Int(parts[0]), let cpus = Int(parts[1]) else {
            throw .invalidSpecification(spec, reason: "write NODESxCPUS (2x8) or node:cpulist pairs (0:0-7,1:8-15)")
        }
        guard (1...64).contains(nodes), (1...1024).contains(cpus) else {
            throw .invalidSpecification(spec, reason: "nodes must be 1 to 64 and CPUs per node 1 to 1024")
        }
        return (0..<nodes).map { node in (node, Array(node * cpus..<(node + 1) * cpus)) }
    }

    /// `0:0-7,16-23,1:8-15`: an item with a colon starts a node; items without one extend its cpulist.
    private static func parseNodeList(_ spec: String) throws(TopologyError) -> [(id: Int, cpus: [Int])] {
        var entries: [(id: Int, cpuText: [Substring])] = []
        for item in spec.split(separator: ",", omittingEmptySubsequences: false) {
            if let colon = item.firstIndex(of: ":") {
                let idText = item[..<colon]
                guard !idText.isEmpty, idText.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int(idText), id < 1024 else {
                    throw .invalidSpecification(spec, reason: "'\(idText)' is not a node number")
                }
                guard !entries.contains(where: { $0.id == id }) else {
                    throw .invalidSpecification(spec, reason: "node \(id) is given twice")
                }
                let rest = item[item.index(after: colon)...]
                entries.append((id, rest.isEmpty ? [] : [rest]))
            } else {
                guard !entries.isEmpty else {
                    throw .invalidSpecification(spec, reason: "start with a node number: 0:\(item)")
                }
                entries[entries.count - 1].cpuText.append(item)
            }
        }
        var seen: Set<Int> = []
        var result: [(id: Int, cpus: [Int])] = []
        for entry in entries {
            let text = entry.cpuText.joined(separator: ",")
            guard let cpus = CPUList.parse(text) else {
                throw .invalidSpecification(spec, reason: "node \(entry.id)'s CPU list '\(text)' is not a cpulist like 0-7,16-23")
            }
            if let twice = cpus.first(where: seen.contains) {
                throw .invalidSpecification(spec, reason: "CPU \(twice) is on two nodes")
            }
            seen.formUnion(cpus)
            result.append((entry.id, cpus.sorted()))
        }
        guard !seen.isEmpty else { throw .invalidSpecification(spec, reason: "no node has CPUs") }
        return result.sorted { $0.id < $1.id }
    }
}
