#if canImport(Glibc)
import Glibc
#endif
import PinContract
import PinCore
import PinSystem
import Synchronization

/// Pins through PinBench's kernel module (`/dev/pinbench`): `single` and `user` make one call
/// with one worker per chunk (each on its own file, since a file holds one range), and
/// `kernel` makes one call in which the module's own workers, the caller and `workers - 1`
/// kworkers, take the plan's chunks: the multithreaded pinning RFC's split, run in the kernel.
/// The module times every call and worker with `ktime`; those times come back as metrics.
/// With `--map-device` every file is attached to that device and each call also maps what it
/// pins into the device's domain, the region's byte x at IOVA `iovaBase + x`.
public final class KmodBackend: InKernelSplitBackend, @unchecked Sendable {
    public let options: KmodOptions
    let devicePath: String
    /// The device mapped into, as the module described it when the backend was made.
    public let device: PinBenchModule.Device?

    /// One chunk's (or the kernel call's) pinned range and the file that holds it.
    struct Held {
        var file: PinBenchModule.File
        var chunk: Chunk
        /// Chunks the module cut the range into (1 for a per-chunk call).
        var moduleChunks: Int
        var call: PinBenchModule.Call
    }

    struct State {
        /// Open files holding nothing, reused so a timed call never pays for an `open`.
        var idle: [PinBenchModule.File] = []
        /// By chunk offset.
        var held: [Int: Held] = [:]
        var pinCalls: [InKernelTimes.Call] = []
        var unpinCalls: [InKernelTimes.Call] = []
        /// The files of this run's unpin calls, by offset, whose phases verification reads back.
        var unpinned: [Int: PinBenchModule.File] = [:]
    }

    let state = Mutex(State())

    /// Opens the device and checks that the loaded module speaks this pinbench's uAPI.
    public init(options: KmodOptions = KmodOptions(), devicePath: String = PinBenchModule.devicePath) throws(SystemError) {
        self.options = options
        self.devicePath = devicePath
        let status = try PinBenchModule.status(path: devicePath)
        guard status.version == PinBenchModule.apiVersion else {
            throw SystemError(
                "\(devicePath) speaks uAPI \(status.version), this pinbench \(PinBenchModule.apiVersion)", errno: EPROTO,
                hint: "rebuild and reload the module from this checkout: `sudo scripts/kmod.sh build && sudo scripts/kmod.sh load`")
        }
        guard (1...KmodOptions.maxBatch).contains(options.gupBatch) else {
            throw SystemError("--gup-batch \(options.gupBatch)", errno: EINVAL,
                              hint: "the module pins 1 to \(KmodOptions.maxBatch) pages per call")
        }
        if options.pin == .memfd, options.unpin == .perPage {
            throw SystemError("--gup memfd with --unpin per-page", errno: EINVAL,
                              hint: "memfd_pin_folios takes one pin per folio, so it is unpinned per folio (unpin_folio): use --unpin folio")
        }
        device = try options.map.map { map throws(SystemError) in try Self.mappableDevice(map, status: status, path: devicePath) }
    }

    /// The device `map` names, once the module can map into its domain; else the refusal with its fix.
    static func mappableDevice(_ map: KmodOptions.Map, status: PinBenchModule.Status, path: String) throws(SystemError)
        -> PinBenchModule.Device {
        guard status.features.contains(.map) else {
            throw SystemError("--map-device: the loaded module was built without map support", errno: EOPNOTSUPP,
                              hint: "it needs iommu_paging_domain_alloc (Linux 6.11+): build the module against a 6.11 or newer kernel")
        }
        let device = try PinBenchModule.File(path: path).attach(device: map.device, query: true)
        if let refusal = device.refusal { throw refusal }
        return device
    }

    // MARK: - Files

    private func takeFile() throws(SystemError) -> PinBenchModule.File {
        if let file = state.withLock({ $0.idle.popLast() }) { return file }
        let file = try PinBenchModule.File(path: devicePath)
        if let map = options.map { _ = try file.attach(device: map.device) }
        return file
    }

    private func giveBack(_ file: PinBenchModule.File) { state.withLock { $0.idle.append(file) } }

    private func request(_ region: Region, _ chunk: Chunk, chunkBytes: Int, workers: Int) -> PinBenchModule.PinRequest {
        PinBenchModule.PinRequest(
            address: region.address + chunk.offset, length: chunk.length, chunkBytes: chunkBytes, workers: workers,
            gupBatch: options.gupBatch, path: options.pin, numaAware: options.numaAware,
            file: region.fileDescriptor ?? -1, fileOffset: chunk.offset, iova: options.map.map { $0.iovaBase + chunk.offset })
    }

    private func pin(_ region: Region, _ chunk: Chunk, chunkBytes: Int, workers: Int) throws(SystemError) -> PinBenchModule.Call {
        let file = try takeFile()
        let call: PinBenchModule.Call
        do {
            call = try file.pin(request(region, chunk, chunkBytes: chunkBytes, workers: workers))
        } catch {
            giveBack(file)  // a failed pin leaves nothing pinned: the module undid it
            throw error
        }
        let moduleChunks = (chunk.length + chunkBytes - 1) / chunkBytes
        state.withLock {
            $0.held[chunk.offset] = Held(file: file, chunk: chunk, moduleChunks: moduleChunks, call: call)
            $0.pinCalls.append(InKernelTimes.Call(offset: chunk.offset, call: call))
        }
        return call
    }

    private func unpin(_ chunk: Chunk, workers: Int) throws(SystemError) -> PinBenchModule.Call {
        guard let held = state.withLock({ $0.held.removeValue(forKey: chunk.offset) }) else {
            throw SystemError("unpin of \(chunk)", errno: ENOENT, hint: "the kmod backend holds no pin at this offset")
        }
        // On failure `held` is dropped with its file, and closing it makes the module unpin it.
        let call = try held.file.unpin(workers: workers, perFolio: options.unpin == .folio)
        state.withLock {
            $0.idle.append(held.file)
            $0.unpinCalls.append(InKernelTimes.Call(offset: chunk.offset, call: call))
            $0.unpinned[chunk.offset] = held.file
        }
        return call
    }

    // MARK: - PinBackend

    public func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        _ = try pin(region, chunk, chunkBytes: chunk.length, workers: 1)
    }

    public func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        _ = try unpin(chunk, workers: 1)
    }

    public func checkCapacity(kind: MemoryKind, size: ByteSize) throws(SystemError) {
        if options.pin == .memfd, !kind.isShared {
            throw SystemError("--gup memfd on \(kind)", errno: EINVAL,
                              hint: "memfd_pin_folios pins a file's folios, and \(kind) has no file: use memfd, memfd-hugetlb-2m or hugetlbfs-2m, or --gup remote")
        }
        if let map = options.map, let device, !device.apertureHolds(base: map.iovaBase, length: size.bytes) {
            throw SystemError("--map-device \(device.address): \(size) from IOVA 0x\(String(map.iovaBase, radix: 16))", errno: ERANGE,
                              hint: "the domain's aperture is 0x\(String(device.apertureStart, radix: 16))-0x\(String(device.apertureEnd, radix: 16)): use a smaller --iova-base or --size")
        }
    }

    public func finish(_ region: Region) {
        // A failed job can leave pins behind: closing their files makes the module unmap and unpin them.
        state.withLock {
            $0.held.removeAll()
            $0.unpinned.removeAll()
        }
    }

    // MARK: - InKernelSplitBackend

    public func checkPlan(_ plan: CutPlan) throws(SystemError) { try Self.checkPlan(plan) }

    /// The module takes at most `PinBenchModule.maxWorkers` workers, and cuts its chunks at
    /// multiples of one chunk size from the start: a plan that is anything else is refused.
    static func checkPlan(_ plan: CutPlan) throws(SystemError) {
        guard plan.workers <= PinBenchModule.maxWorkers else {
            throw SystemError("a kernel plan of \(plan.workers) workers", errno: EINVAL,
                              hint: "the module runs at most \(PinBenchModule.maxWorkers) workers per call: use --max-threads \(PinBenchModule.maxWorkers) or fewer")
        }
        guard let chunkBytes = plan.chunks.first?.length else { return }
        // The module cuts [i * chunk, (i + 1) * chunk) from the start: the planner's chunks must be exactly those.
        for (index, chunk) in plan.chunks.enumerated() {
            let expected = Chunk(offset: index * chunkBytes, length: min(chunkBytes, plan.size.bytes - index * chunkBytes))
            guard chunk == expected else {
                throw SystemError("kernel plan chunk \(index) \(chunk)", errno: EINVAL,
                                  hint: "the module cuts \(expected) there (chunks of \(ByteSize(chunkBytes)) from the region's start)")
            }
        }
    }

    public func pinInKernel(_ region: Region, plan: CutPlan) throws(SystemError) -> [WorkerRecord] {
        let whole = Chunk(offset: 0, length: region.size.bytes)
        return try pin(region, whole, chunkBytes: plan.chunks.first?.length ?? whole.length, workers: plan.workers)
            .workers.map(Self.record)
    }

    public func unpinInKernel(_ region: Region, plan: CutPlan) throws(SystemError) -> [WorkerRecord] {
        try unpin(Chunk(offset: 0, length: region.size.bytes), workers: plan.workers).workers.map(Self.record)
    }

    /// The module's record of a worker, as the engine keeps it.
    static func record(_ worker: PinBenchModule.Worker) -> WorkerRecord {
        WorkerRecord(cpu: worker.cpu, chunks: worker.chunks, pages: worker.pages, busySeconds: worker.busySeconds)
    }
}
