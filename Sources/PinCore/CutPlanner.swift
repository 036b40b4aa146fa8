/// Splits a region into chunks for each strategy, exactly as DESIGN.md states them.
public enum CutPlanner {
    /// The most workers any plan has (a million: far above any machine's CPUs).
    public static let maxWorkers = 1 << 20
    /// The most chunks any plan has (padata's 4 per worker for 262144 workers).
    public static let maxChunks = 1 << 20

    /// Plans `strategy` over `size` bytes of `memory`.
    /// - Parameters:
    ///   - threads: for `user` the number of slices; for `kernel` padata's `max_threads`
    ///     unless `kernel.maxThreads` is smaller; ignored for `single`.
    ///   - cutAlign: where `user` cuts may fall (default: the backing's page size, as QEMU).
    public static func plan(
        strategy: Strategy,
        size: ByteSize,
        memory: MemoryKind,
        threads: Int,
        cutAlign: CutAlign = .page,
        kernel: KernelPlanParameters = KernelPlanParameters()
    ) throws(PlanError) -> CutPlan {
        try memory.validate(size: size)
        guard threads >= 1 else { throw .zeroThreads }
        // Every worker is a chunk or more in memory (and a thread to start): bounded so that no
        // count can make a plan of billions of chunks.
        guard threads <= maxWorkers else {
            throw .invalidParameter("\(threads) threads: PinBench plans at most \(maxWorkers) workers")
        }
        switch strategy {
        case .single:
            return CutPlan(
                strategy: .single, size: size, memory: memory, requestedThreads: threads,
                workers: 1, alignment: memory.pageSize, chunkSize: nil, kernel: nil,
                assignment: .staticSlices, chunks: [Chunk(offset: 0, length: size.bytes)])
        case .user:
            return userPlan(size: size, memory: memory, threads: threads, cutAlign: cutAlign)
        case .kernel:
            var parameters = kernel
            parameters.maxThreads = min(parameters.maxThreads, threads)
            return try kernelPlan(size: size, memory: memory, parameters: parameters, requestedThreads: threads)
        }
    }

    // MARK: - user (QEMU qemu_prealloc_mem)

    /// Static contiguous slices: `units / n` units each, the first `units % n` one more,
    /// where a unit is the cut alignment. A tail shorter than one unit joins the last slice.
    /// No more slices than units, as QEMU starts no more threads than pages.
    static func userPlan(size: ByteSize, memory: MemoryKind, threads: Int, cutAlign: CutAlign) -> CutPlan {
        // A cut never splits the MMU page of the mapping (a hugetlb page cannot be split).
        let unit = max(cutAlign.resolve(for: memory), memory.pageSize)
        let units = size.bytes / unit.bytes
        let tail = size.bytes % unit.bytes
        let slices = max(1, min(threads, units))
        let perSlice = units / slices
        let leftover = units % slices
        var chunks: [Chunk] = []
        chunks.reserveCapacity(slices)
        var offset = 0
        for index in 0..<slices {
            var length = (perSlice + (index < leftover ? 1 : 0)) * unit.bytes
            if index == slices - 1 { length += tail }
            chunks.append(Chunk(offset: offset, length: length))
            offset += length
        }
        return CutPlan(
            strategy: .user, size: size, memory: memory, requestedThreads: threads,
            workers: slices, alignment: unit, chunkSize: nil, kernel: nil,
            assignment: .staticSlices, chunks: chunks)
    }

    // MARK: - kernel (padata_do_multithreaded)

    /// padata's formula:
    /// `nworks = clamp(size / minChunk, 1, maxThreads)`,
    /// `chunk = roundUp(max(size / (nworks * 4), minChunk, 1), align)`;
    /// workers take `[cursor, roundUp(cursor + 1, chunk))`, so every cut is a multiple of `chunk`
    /// counted from the region's start.
    public static func kernelPlan(
        size: ByteSize,
        memory: MemoryKind,
        parameters: KernelPlanParameters,
        requestedThreads: Int? = nil
    ) throws(PlanError) -> CutPlan {
        try memory.validate(size: size)
        guard parameters.maxThreads >= 1 else { throw .zeroThreads }
        guard parameters.minChunk.bytes > 0 else {
            throw .invalidParameter("the minimum chunk must be larger than zero")
        }
        // Bounded like a size, so rounding it up to the alignment cannot overflow.
        guard parameters.minChunk.bytes <= AddressSpace.largest.bytes else {
            throw .invalidParameter("the minimum chunk \(parameters.minChunk) is larger than any address space (\(AddressSpace.largest))")
        }
        let loadBalanceFactor = 4
        let align = parameters.align.resolve(for: memory)
        let nworks = min(max(size.bytes / parameters.minChunk.bytes, 1), parameters.maxThreads)
        let unaligned = max(size.bytes / (nworks * loadBalanceFactor), parameters.minChunk.bytes, 1)
        let chunk = roundUp(unaligned, toMultipleOf: align.bytes)
        let count = (size.bytes + chunk - 1) / chunk
        guard count <= maxChunks else {
            throw .invalidParameter("\(nworks) workers would cut \(size) into \(count) chunks of \(ByteSize(chunk)); "
                                    + "PinBench plans at most \(maxChunks): raise --min-chunk or lower --threads")
        }

        var chunks: [Chunk] = []
        chunks.reserveCapacity(count)
        var cursor = 0
        while cursor < size.bytes {
            let end = min(roundUp(cursor + 1, toMultipleOf: chunk), size.bytes)
            chunks.append(Chunk(offset: cursor, length: end - cursor))
            cursor = end
        }
        return CutPlan(
            strategy: .kernel, size: size, memory: memory,
            requestedThreads: requestedThreads ?? parameters.maxThreads,
            workers: nworks, alignment: align, chunkSize: ByteSize(chunk), kernel: parameters,
            assignment: .sharedCursor, chunks: chunks)
    }
}
