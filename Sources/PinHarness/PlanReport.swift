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

    /// The plan as one JSON object, with the full chunk list.
    public static func json(_ plan: CutPlan) -> String {
        let chunks = plan.chunks.map { "{\"offset\":\($0.offset),\"length\":\($0.length)}" }.joined(separator: ",")
        var fields = [
            "\"strategy\":\"\(plan.strategy)\"", "\"memory\":\"\(plan.memory)\"", "\"sizeBytes\":\(plan.size.bytes)",
            "\"folioBytes\":\(plan.folioSize.bytes)", "\"requestedThreads\":\(plan.requestedThreads)",
            "\"workers\":\(plan.workers)", "\"alignmentBytes\":\(plan.alignment.bytes)",
            "\"assignment\":\"\(plan.assignment.rawValue)\"", "\"cuts\":\(plan.cuts)",
            "\"cutsInsideFolio\":\(plan.cutsInsideFolio)",
        ]
        if let chunk = plan.chunkSize { fields.append("\"chunkBytes\":\(chunk.bytes)") }
        fields.append("\"chunks\":[\(chunks)]")
        return "{" + fields.joined(separator: ",") + "}"
    }
}
