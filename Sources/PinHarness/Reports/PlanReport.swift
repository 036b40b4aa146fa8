import PinCore

/// How `pinbench plan` shows a plan: a short summary, or every chunk as JSON.
public enum PlanReport {
    public static func text(_ plan: CutPlan) -> String {
        var lines = [
            "strategy:          \(plan.strategy)",
            "size:              \(plan.size) (\(plan.size.humanReadable)) of \(plan.memory), folio \(plan.folioSize.size)",
            "threads asked:     \(plan.requestedThreads)",
            "workers:           \(plan.workers)",
        ]
        if let chunk = plan.chunkSize {
            lines.append("chunk size:        \(chunk) (\(chunk.bytes) bytes)")
        }
        if let kernel = plan.kernel {
            lines.append("padata knobs:      align \(kernel.align) (\(plan.alignment.size)), min chunk \(kernel.minChunk), "
                         + "max threads \(kernel.maxThreads)")
        } else {
            lines.append("cut alignment:     \(plan.alignment.size)")
        }
        lines.append("chunks:            \(plan.chunks.count)")
        lines.append("cuts:              \(plan.cuts), inside a folio: \(plan.cutsInsideFolio)")
        if let shares = plan.bytesPerThread, plan.strategy == .user {
            let distinct = Dictionary(grouping: shares, by: { $0 }).sorted { $0.key > $1.key }
            lines.append("per-thread shares: " + distinct.map { "\($0.value.count) x \(ByteSize($0.key))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// Where each worker would run and where the memory would go, one line each.
    public static func numaText(_ plan: CutPlan, _ numa: NUMASetup) -> String {
        let topology = numa.topology
        var lines = [
            "topology:          \(topology.sourceDescription), \(topology.nodes.count) node" + (topology.nodes.count == 1 ? "" : "s")
                + ": " + topology.nodes.map { "\($0.id) (CPUs \($0.cpus.isEmpty ? "none" : CPUList.format($0.cpus)))" }
                    .joined(separator: ", "),
            "memory:            --node \(numa.options.placement): \(numa.placementApplied)",
            "binding:           --bind \(numa.binding.policy): \(numa.bindApplied)",
        ]
        guard numa.binding.policy != .none else { return lines.joined(separator: "\n") }
        for worker in 0..<plan.workers {
            let role = plan.strategy == .user ? "thread \(worker)" : worker == 0 ? "worker 0 (caller)" : "worker \(worker) (helper)"
            let node = numa.binding.node(forWorker: worker).map(String.init) ?? "-"
            let cpus = numa.binding.cpus(forWorker: worker).map(CPUList.format) ?? "-"
            lines.append("  \(role): node \(node), CPUs \(cpus)")
        }
        return lines.joined(separator: "\n")
    }

    /// The plan as one JSON object, with the full chunk list.
    public static func json(_ plan: CutPlan, numa: NUMASetup? = nil) -> String {
        let chunks = plan.chunks.map { "{\"offset\":\($0.offset),\"length\":\($0.length)}" }.joined(separator: ",")
        var fields = [
            "\"strategy\":\"\(plan.strategy)\"", "\"memory\":\"\(plan.memory)\"", "\"sizeBytes\":\(plan.size.bytes)",
            "\"folioBytes\":\(plan.folioSize.bytes)", "\"requestedThreads\":\(plan.requestedThreads)",
            "\"workers\":\(plan.workers)", "\"alignmentBytes\":\(plan.alignment.bytes)",
            "\"assignment\":\"\(plan.assignment.rawValue)\"", "\"cuts\":\(plan.cuts)",
            "\"cutsInsideFolio\":\(plan.cutsInsideFolio)",
        ]
        if let chunk = plan.chunkSize { fields.append("\"chunkBytes\":\(chunk.bytes)") }
        if let numa {
            let workers = (0..<plan.workers).map { worker in
                let node = numa.binding.node(forWorker: worker).map(String.init) ?? "null"
                let cpus = numa.binding.cpus(forWorker: worker).map { "\"\(CPUList.format($0))\"" } ?? "null"
                return "{\"worker\":\(worker),\"node\":\(node),\"cpus\":\(cpus)}"
            }
            fields.append("\"topology\":\"\(numa.topology.sourceDescription)\"")
            fields.append("\"placement\":\"\(numa.options.placement)\"")
            fields.append("\"bind\":\"\(numa.binding.policy)\"")
            fields.append("\"bindSimulated\":\(numa.binding.simulated)")
            fields.append("\"workerBinding\":[\(workers.joined(separator: ","))]")
        }
        fields.append("\"chunks\":[\(chunks)]")
        return "{" + fields.joined(separator: ",") + "}"
    }
}
