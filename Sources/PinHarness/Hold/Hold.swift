#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem

/// `pinbench hold`: keeps a region pinned by a backend while one thread keeps writing a byte to
/// each of its base pages, sampling `/proc/vmstat`'s `numa_*` counters as it goes; then touches
/// an unpinned (populated, not locked) region of the same kind and size for as long. With NUMA
/// balancing on, the scanner makes both regions' entries `PROT_NONE` and the next write takes a
/// hinting fault, though a pinned page can never move: the two rows show what that costs.
///
/// One region exists at a time: the pinned one is unpinned and unmapped before the unpinned one
/// is mapped. That halves the memory needed, and since the scanner walks the whole process,
/// each phase's counters then belong to its region alone (and to other processes: they are
/// system-wide).
public final class Hold {
    /// What the caller hears while the hold runs.
    public enum Event: Sendable {
        /// The region was pinned in `seconds` and checked; it is touched only if the check passed.
        case pinned(Verification, seconds: Double)
        /// A phase started touching its region.
        case phaseStarted(HoldResult.Phase.Kind, label: String)
        /// A sampling interval of the current phase ended.
        case sample(HoldResult.Sample, label: String)
        /// The pinned region was unpinned and checked.
        case unpinned(Verification)
    }

    public let configuration: HoldConfiguration
    /// `kernel.numa_balancing` when the hold was set up.
    public let numaBalancing: NUMABalancing
    /// `--node` resolved (`device` to the device's node) and checked against the machine.
    let numa: NUMASetup
    let backend: any PinBackend

    /// Validates the configuration and runs `pinbench run`'s preflight checks (memory, hugepage
    /// pool, `RLIMIT_MEMLOCK`), before any memory is used.
    public convenience init(_ configuration: HoldConfiguration) throws(HarnessError) {
        guard configuration.backendOptions.capabilities.contains(.realMemory) else {
            let real = Backends.catalog.names(with: .realMemory).map(\.rawValue)
            throw .invalidInput(
                "hold needs a backend that pins real memory: \(configuration.backend) only simulates its pins, "
                    + "which NUMA balancing never scans; use \(real.joined(separator: ", "))")
        }
        if let refusal = configuration.backendOptions.refusal(memory: configuration.memory) {
            throw .invalidInput(refusal)
        }
        let backend: any PinBackend
        do {
            backend = try configuration.backendOptions.makeBackend()
        } catch {
            throw .unavailable(error.description)
        }
        try self.init(configuration, backend: backend)
    }

    /// A hold with a given backend (tests).
    init(_ configuration: HoldConfiguration, backend: any PinBackend) throws(HarnessError) {
        // Both become nanoseconds in a UInt64 (at most 1.8e19, some 584 years).
        let maxSeconds = 1e9
        guard configuration.seconds > 0, configuration.seconds.isFinite else { throw .invalidInput("--seconds must be more than 0") }
        guard configuration.seconds <= maxSeconds else {
            throw .invalidInput("--seconds \(configuration.seconds) is more than \(Int(maxSeconds)), more than can be timed")
        }
        guard configuration.sampleSeconds > 0, configuration.sampleSeconds <= maxSeconds else {
            throw .invalidInput("the sampling interval must be more than 0 seconds and at most \(Int(maxSeconds))")
        }
        do {
            try configuration.memory.validate(size: configuration.size)
        } catch {
            throw .invalidInput(error.description)
        }
        try Experiment.preflight(configuration.runConfiguration, backend: backend)
        numa = try NUMASetup(NUMAOptions(placement: configuration.placement), devices: configuration.backendOptions.dmaDevices)
        self.configuration = configuration
        self.backend = backend
        self.numaBalancing = NUMABalancing.current()
    }

    /// The pinned region's row name: `pinned by vfio shim`, `pinned by mlock`; populate and touch
    /// only fault pages in, and say so.
    public var pinnedLabel: String {
        let options = configuration.backendOptions
        return options.capabilities.contains(.pins) ? "pinned by \(options.label)" : "populated by \(options.label) (not pinned)"
    }

    /// What to know before reading the numbers: whether anything will scan at all.
    public var notes: [String] { Self.notes(balancing: numaBalancing, memory: configuration.memory) }

    static func notes(balancing: NUMABalancing, memory: MemoryKind) -> [String] {
        var notes: [String] = []
        switch balancing {
        case .off:
            notes.append("kernel.numa_balancing is 0: nothing will scan, so the numa_* deltas stay 0. "
                + "`sysctl -w kernel.numa_balancing=1` enables it (set it back after with `sysctl -w kernel.numa_balancing=0`)")
        case .unavailable:
            notes.append("this kernel has no NUMA balancing (no \(NUMABalancing.path)): nothing will scan")
        case .memoryTiering:
            notes.append("kernel.numa_balancing is 2 (memory tiering): only pages on slower memory tiers are scanned; "
                + "1 scans all memory")
        case .normal, .normalAndMemoryTiering, .other:
            break
        }
        if memory.isHugetlb {
            notes.append("NUMA balancing never scans hugetlb mappings: \(memory) regions get no numa_pte_updates")
        }
        return notes
    }

    /// Pins, touches, unpins; then touches an unpinned region (unless `compareUnpinned` is off).
    /// `stopWhen` (by default: Ctrl-C) ends the current phase early and skips the rest; what
    /// was pinned is still unpinned and unmapped. Throws only before measuring starts; a later
    /// failure is in the result's `error`, beside what was measured.
    public func run(stopWhen: () -> Bool = { InterruptFlag.isRaised },
                    onEvent: (Event) -> Void = { _ in }) throws(HarnessError) -> HoldResult {
        var result = HoldResult(configuration: configuration, numaBalancing: numaBalancing)
        result.placement = numa.placementApplied
        try holdPinned(&result, stopWhen: stopWhen, onEvent: onEvent)
        if stopWhen() { result.interrupted = true }
        if configuration.compareUnpinned, result.pinnedCheck?.passed == true, result.error == nil, !result.interrupted {
            holdUnpinned(&result, stopWhen: stopWhen, onEvent: onEvent)
        }
        if result.phases.contains(where: \.stoppedEarly) { result.interrupted = true }
        return result
    }

    // MARK: - Phases

    private func holdPinned(_ result: inout HoldResult, stopWhen: () -> Bool, onEvent: (Event) -> Void) throws(HarnessError) {
        let region = try map()
        let whole = Chunk(offset: 0, length: region.size.bytes)
        let baseline = Self.status()
        do {
            try backend.prepare(region)
        } catch {
            throw .failed("prepare: \(error)")
        }
        defer { backend.finish(region) }
        let start = MonotonicClock.now()
        do {
            try backend.pin(region, whole)
        } catch {
            throw .failed("pin: \(error)")
        }
        let pinSeconds = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
        let pinned = backend.verifyPinned(region, baseline: baseline)
        result.pinSeconds = pinSeconds
        result.pinnedCheck = pinned
        onEvent(.pinned(pinned, seconds: pinSeconds))
        if pinned.passed {
            do {
                result.phases.append(try touch(region, kind: .pinned, label: pinnedLabel, stopWhen: stopWhen, onEvent: onEvent))
            } catch {
                result.error = "touching the pinned region: \(error)"
            }
        }
        do {
            try backend.unpin(region, whole)
            result.unpinnedCheck = backend.verifyUnpinned(region, baseline: baseline)
        } catch {
            result.unpinnedCheck = .failed("unpin: \(error)")
        }
        _ = backend.takeRunMetrics()  // a backend forgets them here, as after a job
        onEvent(.unpinned(result.unpinnedCheck!))
    }

    /// Faulted in untimed with `MADV_POPULATE_WRITE`, so it is as resident as the pinned one
    /// but neither pinned nor locked.
    private func holdUnpinned(_ result: inout HoldResult, stopWhen: () -> Bool, onEvent: (Event) -> Void) {
        let region: Region
        do {
            region = try map()
        } catch {
            result.error = "mapping the unpinned region: \(error)"
            return
        }
        let populate = PopulateBackend(advice: .write)
        do {
            try populate.pin(region, Chunk(offset: 0, length: region.size.bytes))
        } catch {
            result.error = "populating the unpinned region: \(error)"
            return
        }
        let resident = populate.verifyPinned(region, baseline: Self.status())
        guard resident.passed else {
            result.error = "the unpinned region is not resident: \(resident)"
            return
        }
        do {
            result.phases.append(try touch(region, kind: .unpinned, label: "unpinned", stopWhen: stopWhen, onEvent: onEvent))
        } catch {
            result.error = "touching the unpinned region: \(error)"
        }
    }

    /// A new region of the configured kind and size, its memory policy set before anything
    /// touches it and read back, so a policy that did not take is an error.
    private func map() throws(HarnessError) -> Region {
        let region: Region
        do {
            region = try Region.map(kind: configuration.memory, size: configuration.size)
        } catch {
            throw HarnessError(error)
        }
        guard numa.bindsMemoryForReal else { return region }
        do throws(SystemError) {
            try region.applyPlacement(numa.placement, memoryNodes: numa.memoryNodes)
            let inEffect = try region.placementInEffect()
            guard inEffect.placement == numa.placement else {
                throw SystemError("mbind(\(numa.placement)) left the region's policy at \(inEffect.placement)", errno: EINVAL)
            }
        } catch {
            throw .failed(error.description)
        }
        return region
    }

    // MARK: - Touching and sampling

    /// Touches `region` from a `PageToucher` thread for the configured time while this thread
    /// samples the touch count and the `numa_*` counters at every interval boundary (counted
    /// from the phase's start, so intervals do not drift), checking `stopWhen` every 50 ms.
    private func touch(_ region: Region, kind: HoldResult.Phase.Kind, label: String,
                       stopWhen: () -> Bool, onEvent: (Event) -> Void) throws(SystemError) -> HoldResult.Phase {
        onEvent(.phaseStarted(kind, label: label))
        let basePages = Double(region.basePages)
        let intervalNanoseconds = UInt64(configuration.sampleSeconds * 1e9)
        let first = Self.numaCounters()
        var previous = first
        let start = MonotonicClock.now()
        let end = start + UInt64(configuration.seconds * 1e9)
        let toucher = try PageToucher(region, cpus: configuration.toucherCPUs)
        var samples: [HoldResult.Sample] = []
        var sampleStart = start
        var pagesBefore = 0
        var stopped = false
        for interval in UInt64(1)... {
            let due = min(start + interval * intervalNanoseconds, end)
            while !stopped {
                let now = MonotonicClock.now()
                guard now < due else { break }
                if stopWhen() {
                    stopped = true
                } else {
                    usleep(UInt32(min((due - now) / 1000 + 1, 50_000)))
                }
            }
            let now = MonotonicClock.now()
            let pages = toucher.pagesTouched
            let counters = Self.numaCounters()
            let sample = HoldResult.Sample(
                endSeconds: MonotonicClock.seconds(from: start, to: now),
                seconds: MonotonicClock.seconds(from: sampleStart, to: now), pagesTouched: pages - pagesBefore,
                passes: Double(pages) / basePages, numa: counters.delta(since: previous))
            samples.append(sample)
            onEvent(.sample(sample, label: label))
            previous = counters
            sampleStart = now
            pagesBefore = pages
            if stopped || now >= end { break }
        }
        toucher.stop()
        // Untimed, after the toucher: where balancing left the pages (or could not move them).
        let pageNodes = try? region.samplePageNodes(limit: Experiment.placementSample)
        return HoldResult.Phase(
            kind: kind, label: label, seconds: MonotonicClock.seconds(from: start, to: sampleStart),
            pagesTouched: pagesBefore, passes: Double(pagesBefore) / basePages,
            numa: previous.delta(since: first), samples: samples, stoppedEarly: stopped, pageNodes: pageNodes)
    }

    /// `/proc/self/status` now, or zeros when unreadable (the backend's check then says so).
    private static func status() -> ProcStatus {
        (try? ProcStatus.current()) ?? ProcStatus(residentBytes: 0, lockedBytes: 0, pinnedBytes: 0)
    }

    /// The `numa_*` counters now; none when `/proc/vmstat` cannot be read (the deltas are then empty).
    private static func numaCounters() -> VMStat {
        ((try? VMStat.read()) ?? VMStat(counters: [])).numa
    }
}
