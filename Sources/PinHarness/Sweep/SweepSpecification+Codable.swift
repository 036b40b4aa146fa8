import PinBackends
import PinContract
import PinCore

// MARK: - sweep.json

/// `sweep.json` keeps each backend's options at the top level, under the key that backend names
/// (`populateRead`, `vfio`, `foliosim`, `kmod`), as it always has, so older sets still resume.
extension SweepSpecification: Codable {
    enum CodingKeys: String, CodingKey {
        case backends, memory, sizes, threads, strategies, repetitions, adaptive, warmups, seed, cutAlign, kernelAlign, minChunkBytes, prefault, numa, hostWarm, reserveHugepages, commandLine
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        backends = try container.decode([BackendID].self, forKey: .backends)
        memory = try container.decode([MemoryKind].self, forKey: .memory)
        sizes = try container.decode([Int].self, forKey: .sizes)
        threads = try container.decode([Int].self, forKey: .threads)
        strategies = try container.decode([Strategy].self, forKey: .strategies)
        repetitions = try container.decode(Int.self, forKey: .repetitions)
        // Absent from sets of fixed rounds, and from every set made before --reps auto.
        adaptive = try container.decodeIfPresent(AdaptiveRounds.self, forKey: .adaptive)
        warmups = try container.decode(Int.self, forKey: .warmups)
        seed = try container.decode(UInt64.self, forKey: .seed)
        cutAlign = try container.decode(CutAlign.self, forKey: .cutAlign)
        kernelAlign = try container.decode(CutAlign.self, forKey: .kernelAlign)
        minChunkBytes = try container.decode(Int.self, forKey: .minChunkBytes)
        prefault = try container.decode(Bool.self, forKey: .prefault)
        numa = try container.decodeIfPresent(NUMAOptions.self, forKey: .numa)
        hostWarm = try container.decodeIfPresent(HostWarm.self, forKey: .hostWarm)
        reserveHugepages = try container.decode(Bool.self, forKey: .reserveHugepages)
        commandLine = try container.decode(String.self, forKey: .commandLine)
        let stored = try decoder.container(keyedBy: NamedCodingKey.self)
        let catalog = Backends.catalog
        var options: [any BackendOptions] = []
        for backend in backends {
            let type: any BackendOptions.Type
            do { type = try catalog.require(backend) } catch {
                throw DecodingError.dataCorruptedError(forKey: .backends, in: container, debugDescription: error.description)
            }
            options.append(try Self.decodeOptions(type, from: stored))
        }
        backendOptions = BackendOptionsList(options)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(backends, forKey: .backends)
        try container.encode(memory, forKey: .memory)
        try container.encode(sizes, forKey: .sizes)
        try container.encode(threads, forKey: .threads)
        try container.encode(strategies, forKey: .strategies)
        try container.encode(repetitions, forKey: .repetitions)
        try container.encodeIfPresent(adaptive, forKey: .adaptive)
        try container.encode(warmups, forKey: .warmups)
        try container.encode(seed, forKey: .seed)
        try container.encode(cutAlign, forKey: .cutAlign)
        try container.encode(kernelAlign, forKey: .kernelAlign)
        try container.encode(minChunkBytes, forKey: .minChunkBytes)
        try container.encode(prefault, forKey: .prefault)
        try container.encodeIfPresent(numa, forKey: .numa)
        try container.encodeIfPresent(hostWarm, forKey: .hostWarm)
        try container.encode(reserveHugepages, forKey: .reserveHugepages)
        try container.encode(commandLine, forKey: .commandLine)
        var stored = encoder.container(keyedBy: NamedCodingKey.self)
        for backend in backends {
            guard let options = try? options(for: backend) else { continue }
            try Self.encode(options, into: &stored)
        }
    }

    /// One backend's options, or its defaults when the set has none kept for it.
    static func decodeOptions<Options: BackendOptions>(
        _ type: Options.Type, from container: KeyedDecodingContainer<NamedCodingKey>
    ) throws -> Options {
        if let key = Options.specificationKey, let options = try container.decodeIfPresent(Options.self, forKey: NamedCodingKey(key)) {
            return options
        }
        do { return try Options.defaults() } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: error.description))
        }
    }

    static func encode<Options: BackendOptions>(_ options: Options, into container: inout KeyedEncodingContainer<NamedCodingKey>) throws {
        guard let key = Options.specificationKey else { return }
        try container.encode(options, forKey: NamedCodingKey(key))
    }
}
