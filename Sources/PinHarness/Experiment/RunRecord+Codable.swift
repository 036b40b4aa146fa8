import PinContract
import PinCore
import PinEngine

// MARK: - JSON, as runs.jsonl has always had it

extension RunRecord {
    enum CodingKeys: String, CodingKey {
        case implementation, strategy, backend, memory, threads, workers, sizeBytes, pages, rep, warmup, prefault, pinSeconds, unpinSeconds, threadStartSeconds, poolStartSeconds, chunks, chunkBytes, cutAlignBytes, cutsInsideFolio, minChunkBytes, maxThreads, verified, pinnedCheck, unpinnedCheck, error, perThread, oversubscribed, hostWarmSeconds, backendMetrics, numa, undo, cell, round, seed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        implementation = try container.decode(Implementation.self, forKey: .implementation)
        strategy = try container.decode(Strategy.self, forKey: .strategy)
        backend = try container.decode(BackendID.self, forKey: .backend)
        memory = try container.decode(MemoryKind.self, forKey: .memory)
        threads = try container.decode(Int.self, forKey: .threads)
        workers = try container.decode(Int.self, forKey: .workers)
        sizeBytes = try container.decode(Int.self, forKey: .sizeBytes)
        pages = try container.decode(Int.self, forKey: .pages)
        rep = try container.decode(Int.self, forKey: .rep)
        warmup = try container.decode(Bool.self, forKey: .warmup)
        prefault = try container.decode(Bool.self, forKey: .prefault)
        pinSeconds = try container.decode(Double.self, forKey: .pinSeconds)
        unpinSeconds = try container.decode(Double.self, forKey: .unpinSeconds)
        threadStartSeconds = try container.decode(Double.self, forKey: .threadStartSeconds)
        poolStartSeconds = try container.decodeIfPresent(Double.self, forKey: .poolStartSeconds)
        chunks = try container.decode(Int.self, forKey: .chunks)
        chunkBytes = try container.decodeIfPresent(Int.self, forKey: .chunkBytes)
        cutAlignBytes = try container.decode(Int.self, forKey: .cutAlignBytes)
        cutsInsideFolio = try container.decode(Int.self, forKey: .cutsInsideFolio)
        minChunkBytes = try container.decodeIfPresent(Int.self, forKey: .minChunkBytes)
        maxThreads = try container.decodeIfPresent(Int.self, forKey: .maxThreads)
        verified = try container.decode(Bool.self, forKey: .verified)
        pinnedCheck = try container.decode(String.self, forKey: .pinnedCheck)
        unpinnedCheck = try container.decode(String.self, forKey: .unpinnedCheck)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        perThread = try container.decode([ThreadStats].self, forKey: .perThread)
        oversubscribed = try container.decodeIfPresent(Bool.self, forKey: .oversubscribed)
        hostWarmSeconds = try container.decodeIfPresent(Double.self, forKey: .hostWarmSeconds)
        backendMetrics = try container.decodeIfPresent(BackendMetrics.self, forKey: .backendMetrics)
        numa = try container.decodeIfPresent(NUMARecord.self, forKey: .numa)
        undo = try container.decodeIfPresent(JobUndo.self, forKey: .undo)
        cell = try container.decodeIfPresent(String.self, forKey: .cell)
        round = try container.decodeIfPresent(Int.self, forKey: .round)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        // Before any arithmetic on them (`RunRecord+Validation`).
        try checkRanges()
        // A backend named like one of the fields above would read that field back: none is.
        guard CodingKeys(rawValue: backend.rawValue) == nil else { return }
        // The backend's recorded options are kept under its own name (`"vfio": "shim, ..."`).
        let options = try decoder.container(keyedBy: NamedCodingKey.self)
        backendOptions = try options.decodeIfPresent(String.self, forKey: NamedCodingKey(backend.rawValue))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(implementation, forKey: .implementation)
        try container.encode(strategy, forKey: .strategy)
        try container.encode(backend, forKey: .backend)
        try container.encode(memory, forKey: .memory)
        try container.encode(threads, forKey: .threads)
        try container.encode(workers, forKey: .workers)
        try container.encode(sizeBytes, forKey: .sizeBytes)
        try container.encode(pages, forKey: .pages)
        try container.encode(rep, forKey: .rep)
        try container.encode(warmup, forKey: .warmup)
        try container.encode(prefault, forKey: .prefault)
        try container.encode(pinSeconds, forKey: .pinSeconds)
        try container.encode(unpinSeconds, forKey: .unpinSeconds)
        try container.encode(threadStartSeconds, forKey: .threadStartSeconds)
        try container.encodeIfPresent(poolStartSeconds, forKey: .poolStartSeconds)
        try container.encode(chunks, forKey: .chunks)
        try container.encodeIfPresent(chunkBytes, forKey: .chunkBytes)
        try container.encode(cutAlignBytes, forKey: .cutAlignBytes)
        try container.encode(cutsInsideFolio, forKey: .cutsInsideFolio)
        try container.encodeIfPresent(minChunkBytes, forKey: .minChunkBytes)
        try container.encodeIfPresent(maxThreads, forKey: .maxThreads)
        try container.encode(verified, forKey: .verified)
        try container.encode(pinnedCheck, forKey: .pinnedCheck)
        try container.encode(unpinnedCheck, forKey: .unpinnedCheck)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encode(perThread, forKey: .perThread)
        try container.encodeIfPresent(oversubscribed, forKey: .oversubscribed)
        try container.encodeIfPresent(hostWarmSeconds, forKey: .hostWarmSeconds)
        try container.encodeIfPresent(backendMetrics, forKey: .backendMetrics)
        try container.encodeIfPresent(numa, forKey: .numa)
        try container.encodeIfPresent(undo, forKey: .undo)
        try container.encodeIfPresent(cell, forKey: .cell)
        try container.encodeIfPresent(round, forKey: .round)
        try container.encodeIfPresent(seed, forKey: .seed)
        if let backendOptions, CodingKeys(rawValue: backend.rawValue) == nil {
            var options = encoder.container(keyedBy: NamedCodingKey.self)
            try options.encode(backendOptions, forKey: NamedCodingKey(backend.rawValue))
        }
    }
}
