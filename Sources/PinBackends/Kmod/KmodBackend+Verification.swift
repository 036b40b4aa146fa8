import PinContract
import PinCore
import PinSystem

// MARK: - Verification (untimed): the module's own counts, the kernel's VmPin, residency

extension KmodBackend {
    /// The held ranges tile the region exactly; every file's module status agrees with its call
    /// and its chunk (pages, module chunks, folios as the memory kind allows, run-array bytes); the module's
    /// workers handled every chunk once; in map mode, the module's own check of each call's
    /// mapping holds (`mapProblems`); every page is resident (in the file, for memfd pins);
    /// `VmPin` grew by the region. Each call's phases are read back here, untimed.
    public func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification {
        let held = heldRanges().sorted { $0.chunk.offset < $1.chunk.offset }
        var problems: [String] = []
        var next = 0
        var pages = 0
        var folios = 0
        var moduleChunks = 0
        var mapped = 0
        var segments = 0
        var checked = 0
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
            if options.map != nil {
                problems += Self.mapProblems(range.chunk, call: range.call, status: status)
                mapped += status.mappedBytes
                segments += range.call.mapCheck?.segments ?? 0
                checked += range.call.mapCheck?.checked ?? 0
            }
            recordPhases(status.pinPhases, offset: range.chunk.offset, unpin: false)
            pages += status.pages
            folios += status.folios
            moduleChunks += status.chunks
        }
        if next != region.size.bytes { problems.append("pins end at \(ByteSize(next)) of \(region.size)") }
        let module = Verification(
            passed: problems.isEmpty,
            detail: problems.isEmpty
                ? "module: \(pages)/\(region.basePages) pages, \(folios) folio runs, \(moduleChunks) chunks in \(held.count) calls"
                    + (device.map { ", \(ByteSize(mapped)) mapped into \($0.address) in \(segments) iommu_map calls, \(checked) IOVAs checked" } ?? "")
                : "module: " + problems.prefix(3).joined(separator: "; "))
        // memfd_pin_folios fills the file, not the page tables: residency is the file's.
        let resident = options.pin == .memfd ? Verification.fileAllocated(region) : .allResident(region)
        return module.and(resident).and(.statusDelta(\.pinnedBytes, named: "VmPin", expected: region.size.bytes, since: baseline))
    }

    /// Nothing is held, every idle file holds no pages, the unpin calls gave back every page,
    /// and `VmPin` is back at the baseline; in map mode, the unpin calls unmapped the region's
    /// bytes, none of the IOVAs they looked up still resolves, and no file holds a mapping.
    public func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification {
        let (held, idle, unpinned, calls, files) = state.withLock {
            ($0.held.count, $0.idle, $0.unpinCalls.reduce(0) { $0 + $1.call.pages }, $0.unpinCalls, $0.unpinned)
        }
        let statuses = idle.map { try? $0.status() }
        let stillPinned = statuses.reduce(0) { $0 + ($1?.pages ?? 1) }
        var module = Verification(
            passed: held == 0 && stillPinned == 0 && unpinned == region.basePages,
            detail: "module: \(unpinned)/\(region.basePages) pages unpinned, \(held) ranges and \(stillPinned) pages still held")
        // The unpin calls' files are idle again: their phases come from the statuses just read.
        let byFile = Dictionary(zip(idle.map(ObjectIdentifier.init), statuses), uniquingKeysWith: { first, _ in first })
        for (offset, file) in files {
            if let status = byFile[ObjectIdentifier(file)] ?? (try? file.status()) {
                recordPhases(status.unpinPhases, offset: offset, unpin: true)
            }
        }
        if let device {
            // Every call unmapped exactly its bytes, and none of its IOVAs resolves any more.
            let unmapped = calls.reduce(0) { $0 + ($1.call.mapCheck?.bytes ?? 0) }
            let wrong = calls.reduce(0) { $0 + ($1.call.mapCheck?.wrong ?? 0) }
            let checked = calls.reduce(0) { $0 + ($1.call.mapCheck?.checked ?? 0) }
            let stillMapped = statuses.reduce(0) { $0 + ($1?.mappedBytes ?? 1) }
            module = module.and(Verification(
                passed: unmapped == region.size.bytes && wrong == 0 && checked > 0 && stillMapped == 0,
                detail: "\(device.address): \(ByteSize(unmapped))/\(region.size) unmapped, \(wrong) of \(checked) IOVAs still resolve, "
                    + "\(stillMapped) bytes still mapped"))
        }
        return module.and(.statusDelta(\.pinnedBytes, named: "VmPin", expected: 0, since: baseline))
    }

    /// What the module's check of one pin call's mapping says is wrong: the mapped bytes are the
    /// chunk's, every IOVA checked (two per `iommu_map` segment) resolved to its pinned page.
    static func mapProblems(_ chunk: Chunk, call: PinBenchModule.Call, status: PinBenchModule.FileStatus) -> [String] {
        guard let check = call.mapCheck else { return ["\(chunk): the module says nothing was mapped"] }
        var problems: [String] = []
        if check.bytes != chunk.length || status.mappedBytes != chunk.length {
            problems.append("\(chunk): \(check.bytes) bytes mapped (module holds \(status.mappedBytes)), expected \(chunk.length)")
        }
        if check.wrong != 0 || check.checked != 2 * check.segments || check.segments == 0 {
            problems.append("\(chunk): \(check.wrong) of \(check.checked) IOVAs resolve elsewhere (\(check.segments) segments)")
        }
        return problems
    }

    /// Files the module's own breakdown of a call (read back untimed) with that call's record.
    func recordPhases(_ phases: PinBenchModule.Phases, offset: Int, unpin: Bool) {
        state.withLock { state in
            if unpin {
                if let index = state.unpinCalls.firstIndex(where: { $0.offset == offset }) { state.unpinCalls[index].call.phases = phases }
            } else if let index = state.pinCalls.lastIndex(where: { $0.offset == offset }) {
                state.pinCalls[index].call.phases = phases
            }
        }
    }

    /// The kernel's times of the run's calls (the longest call per phase, and every worker),
    /// then forgotten.
    public func takeRunMetrics() -> BackendMetrics? {
        let (pinCalls, unpinCalls) = state.withLock { state in
            defer {
                state.pinCalls.removeAll()
                state.unpinCalls.removeAll()
                state.unpinned.removeAll()
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
        let pinWorkers = InKernelTimes.workers(times.pin), unpinWorkers = InKernelTimes.workers(times.unpin)
        func sum(_ workers: [PinBenchModule.Worker], _ value: (PinBenchModule.Worker) -> Double?) -> Double? {
            let known = workers.compactMap(value)
            return known.isEmpty ? nil : known.reduce(0, +)
        }
        metrics[KmodMetric.inKernelGUP] = sum(pinWorkers) { $0.gupSeconds }
        metrics[KmodMetric.inKernelRecord] = sum(pinWorkers) { $0.recordSeconds }
        metrics[KmodMetric.inKernelUnpinPages] = sum(unpinWorkers) { $0.gupSeconds }
        if options.map != nil {
            metrics[KmodMetric.inKernelMap] = sum(pinWorkers) { $0.mapSeconds }
            metrics[KmodMetric.mapCalls] = sum(pinWorkers) { $0.mapCalls.map(Double.init) }
            metrics[KmodMetric.inKernelUnmap] = sum(unpinWorkers) { $0.mapSeconds }
        }
        metrics[KmodMetric.inKernelIoctl] = times.pin.compactMap { $0.call.phases?.ioctlSeconds }.max()
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
