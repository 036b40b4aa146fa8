import PinContract
import PinCore
import PinSystem

// MARK: - Verification (untimed): the module's own counts, the kernel's VmPin, residency

extension KmodBackend {
    /// The held ranges tile the region exactly; every file's module status agrees with its call
    /// and its chunk (pages, module chunks, folios as the memory kind allows, run-array bytes); the module's
    /// workers handled every chunk once; every page is resident (in the file, for memfd pins);
    /// `VmPin` grew by the region.
    public func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification {
        let held = heldRanges().sorted { $0.chunk.offset < $1.chunk.offset }
        var problems: [String] = []
        var next = 0
        var pages = 0
        var folios = 0
        var moduleChunks = 0
        for range in held {
            if range.chunk.offset != next { problems.append("no pin covers [\(ByteSize(next)), \(ByteSize(range.chunk.offset)))") }
            next = range.chunk.end
            let chunkBytes = (range.chunk.length + range.moduleChunks - 1) / range.moduleChunks
            let status: PinBenchModule.FileStatus
            do { status = try range.file.status() } catch {
                problems.append("\(error)")
                continue
            }
            let expectedPages = range.chunk.length / PageSize.base.bytes
            if status.pages != expectedPages || range.call.pages != expectedPages {
                problems.append("\(range.chunk): module holds \(status.pages) pages, call said \(range.call.pages), expected \(expectedPages)")
            }
            if status.chunks != range.moduleChunks || range.call.workers.reduce(0, { $0 + $1.chunks }) != range.moduleChunks {
                problems.append("\(range.chunk): module cut \(status.chunks) chunks, its workers took "
                    + "\(range.call.workers.map { String($0.chunks) }.joined(separator: "+")), planned \(range.moduleChunks)")
            }
            let allowed = Self.folioPieces(region.kind, range.chunk, chunkBytes: chunkBytes)
            if status.folios != range.call.folios || !allowed.contains(status.folios) {
                problems.append("\(range.chunk): \(status.folios) folio runs (call said \(range.call.folios)), "
                    + "expected \(allowed.lowerBound == allowed.upperBound ? "\(allowed.lowerBound)" : "\(allowed.lowerBound)...\(allowed.upperBound)")")
            }
            if status.runBytes != range.call.runBytes {
                problems.append("\(range.chunk): module holds \(status.runBytes) bytes of run arrays, "
                    + "call said \(range.call.runBytes.map(String.init) ?? "nothing")")
            }
            pages += status.pages
            folios += status.folios
            moduleChunks += status.chunks
        }
        if next != region.size.bytes { problems.append("pins end at \(ByteSize(next)) of \(region.size)") }
        let module = Verification(
            passed: problems.isEmpty,
            detail: problems.isEmpty
                ? "module: \(pages)/\(region.basePages) pages, \(folios) folio runs, \(moduleChunks) chunks in \(held.count) calls"
                : "module: " + problems.prefix(3).joined(separator: "; "))
        // memfd_pin_folios fills the file, not the page tables: residency is the file's.
        let resident = options.pin == .memfd ? Verification.fileAllocated(region) : .allResident(region)
        return module.and(resident).and(.statusDelta(\.pinnedBytes, named: "VmPin", expected: region.size.bytes, since: baseline))
    }

    /// Nothing is held, every idle file holds no pages, the unpin calls gave back every page,
    /// and `VmPin` is back at the baseline.
    public func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification {
        let (held, idle, unpinned) = state.withLock { ($0.held.count, $0.idle, $0.unpinCalls.reduce(0) { $0 + $1.call.pages }) }
        let stillPinned = idle.reduce(0) { $0 + ((try? $1.status().pages) ?? 1) }
        let module = Verification(
            passed: held == 0 && stillPinned == 0 && unpinned == region.basePages,
            detail: "module: \(unpinned)/\(region.basePages) pages unpinned, \(held) ranges and \(stillPinned) pages still held")
        return module.and(.statusDelta(\.pinnedBytes, named: "VmPin", expected: 0, since: baseline))
    }

    /// The kernel's times of the run's calls (the longest call per phase, and every worker),
    /// then forgotten.
    public func takeRunMetrics() -> BackendMetrics? {
        let (pinCalls, unpinCalls) = state.withLock { state in
            defer {
                state.pinCalls.removeAll()
                state.unpinCalls.removeAll()
            }
            return (state.pinCalls, state.unpinCalls)
        }
        let times = InKernelTimes(pin: pinCalls, unpin: unpinCalls)
        var metrics = BackendMetrics(inKernel: times)
        metrics[KmodMetric.inKernelPin] = times.pinSeconds
        metrics[KmodMetric.inKernelUnpin] = times.unpinSeconds
        metrics[KmodMetric.kernelCalls] = Double(times.pin.count)
        metrics[KmodMetric.folios] = Double(times.pin.reduce(0) { $0 + $1.call.folios })
        metrics[KmodMetric.runArrayBytes] = times.pinRunBytes.map(Double.init)
        metrics[KmodMetric.options] = options.description
        metrics[.memlock] = "RLIMIT_MEMLOCK \(MemlockLimit.current().description)"
        return metrics
    }

    func heldRanges() -> [Held] { state.withLock { Array($0.held.values) } }

    /// How many folio runs the module may hold for `chunk`, cut into module chunks of
    /// `chunkBytes`: one per folio a module chunk touches. Exact where the kind fixes the folio
    /// size (anon: 4 KiB, hugetlb: its page); THP, mTHP and shmem may get smaller folios than
    /// asked, so there it is a range from whole folios down to every page its own.
    static func folioPieces(_ kind: MemoryKind, _ chunk: Chunk, chunkBytes: Int) -> ClosedRange<Int> {
        let exact = kind == .anon || kind.isHugetlb
        let largest = kind.folioSize.bytes
        var fewest = 0
        var start = chunk.offset
        while start < chunk.end {
            let end = min(start + chunkBytes, chunk.end)
            fewest += (roundUp(end, toMultipleOf: largest) - start / largest * largest) / largest
            start = end
        }
        return exact ? fewest...fewest : fewest...(chunk.length / PageSize.base.bytes)
    }
}
