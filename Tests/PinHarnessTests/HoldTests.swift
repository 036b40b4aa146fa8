import Foundation
import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import PinSystem
import Synchronization
import Testing

/// `populate` around a log of the calls `Hold` makes, and a pin check that can be told to
/// fail. Its checks (residency, pagemap) look at the region only, not at the process-wide
/// `VmLck` or `VmPin`, so these tests can run beside others; holds with mlock and vfio, which
/// move those counters, are tested through the CLI (HoldCommandTests), each in its own process.
final class LoggingBackend: PinBackend, Sendable {
    let inner = PopulateBackend()
    let failPinCheck: Bool
    let calls = Mutex<[String]>([])

    init(failPinCheck: Bool = false) { self.failPinCheck = failPinCheck }

    private func log(_ call: String) { calls.withLock { $0.append(call) } }

    func prepare(_ region: Region) throws(SystemError) { log("prepare") }
    func finish(_ region: Region) { log("finish") }
    func takeRunMetrics() -> BackendMetrics? { log("metrics"); return nil }

    func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        log("pin \(chunk.offset)+\(chunk.length)")
        try inner.pin(region, chunk)
    }

    func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        log("unpin \(chunk.offset)+\(chunk.length)")
        try inner.unpin(region, chunk)
    }

    func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification {
        log("verifyPinned")
        return failPinCheck ? .failed("told to fail") : inner.verifyPinned(region, baseline: baseline)
    }

    func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification {
        log("verifyUnpinned")
        return inner.verifyUnpinned(region, baseline: baseline)
    }
}

@Suite("pinbench hold: a pinned region touched for a while, then an unpinned one")
struct HoldTests {
    static func configuration(seconds: Double = 0.4, compare: Bool = true, backend: any BackendOptions = PopulateOptions(),
                              memory: MemoryKind = .anon, size: ByteSize = .mib(16)) -> HoldConfiguration {
        HoldConfiguration(backendOptions: backend, memory: memory, size: size, seconds: seconds,
                          compareUnpinned: compare, sampleSeconds: 0.1)
    }

    /// Every event as a short name, in order.
    static func names(_ events: [Hold.Event]) -> [String] {
        events.map { event in
            switch event {
            case .pinned: return "pinned"
            case .phaseStarted(let kind, _): return "start \(kind.rawValue)"
            case .sample: return "sample"
            case .unpinned: return "unpinned"
            }
        }
    }

    @Test("pinned, verified, touched, unpinned and verified; then the unpinned region is touched as long")
    func pinnedThenUnpinned() throws {
        let backend = LoggingBackend()
        let hold = try Hold(Self.configuration(), backend: backend)
        var events: [Hold.Event] = []
        let result = try hold.run(stopWhen: { false }, onEvent: { events.append($0) })

        let whole = "0+\(16 << 20)"
        #expect(backend.calls.withLock { $0 } == [
            "prepare", "pin \(whole)", "verifyPinned", "unpin \(whole)", "verifyUnpinned", "metrics", "finish",
        ])
        #expect(result.verified, "\(String(describing: result.pinnedCheck)); \(String(describing: result.unpinnedCheck))")
        #expect(result.pinnedCheck?.detail.contains("4096/4096 base pages resident") == true)
        #expect(result.unpinnedCheck?.detail.contains("0/4096 base pages still mapped") == true)
        #expect(!result.interrupted && result.error == nil)
        #expect(result.pinSeconds.map { $0 > 0 } == true)

        // The pinned region is touched between the pin check and the unpin, then the unpinned one.
        let names = Self.names(events)
        let pinnedSamples = names.firstIndex(of: "unpinned")! - names.firstIndex(of: "start pinned")! - 1
        #expect(names.prefix(2) == ["pinned", "start pinned"])
        #expect(names.filter { $0 != "sample" } == ["pinned", "start pinned", "unpinned", "start unpinned"])
        #expect(pinnedSamples >= 3 && names.last == "sample")

        #expect(result.phases.map(\.kind) == [.pinned, .unpinned])
        #expect(result.phases.map(\.label) == ["populated by populate (not pinned)", "unpinned"])
        for phase in result.phases {
            #expect(phase.seconds >= 0.4 && phase.seconds < 5, "\(phase.seconds)")
            #expect(!phase.stoppedEarly)
            #expect(phase.pagesTouched > 4096, "at least one whole pass in 0.4 s")
            #expect(phase.passes == Double(phase.pagesTouched) / 4096)
            #expect(phase.samples.count >= 3 && phase.samples.count <= 5, "\(phase.samples.count) samples of 0.1 s in 0.4 s")
            #expect(phase.samples.map(\.pagesTouched).reduce(0, +) == phase.pagesTouched)
            #expect(phase.samples.last.map { abs($0.endSeconds - phase.seconds) < 1e-9 } == true)
            #expect(phase.samples.map(\.passes) == phase.samples.map(\.passes).sorted())
            let median = try #require(phase.medianNanosecondsPerPage)
            #expect(median > 0 && median < 100_000)
            // This kernel has CONFIG_NUMA: the balancing counters are there, whatever they moved.
            for name in VMStat.numaBalancingCounters {
                #expect(phase.numa[name] != nil, "\(name)")
                let parts = phase.samples.compactMap { $0.numa[name] }.reduce(0, +)
                #expect(parts == phase.numa[name], "the samples' \(name) add up to the phase's")
            }
        }
        #expect(result.numaBalancing == NUMABalancing.current())
    }

    @Test("the toucher writes every base page of the region")
    func toucherWritesEveryPage() throws {
        let region = try Region.map(kind: .anon, size: .mib(4))
        let toucher = try PageToucher(region)
        let deadline = MonotonicClock.now() + 10_000_000_000
        while toucher.pagesTouched < 2 * region.basePages, MonotonicClock.now() < deadline { usleep(1000) }
        let touched = toucher.stop()
        #expect(touched >= 2 * region.basePages)
        #expect(toucher.pagesTouched == touched, "nothing is touched after stop")
        let untouched = (0..<region.basePages).filter { region.base.load(fromByteOffset: $0 * 4096, as: UInt8.self) == 0 }
        #expect(untouched.isEmpty, "\(untouched.count) pages never written")
    }

    @Test("--no-compare touches the pinned region only")
    func noCompare() throws {
        let result = try Hold(Self.configuration(seconds: 0.2, compare: false), backend: LoggingBackend())
            .run(stopWhen: { false })
        #expect(result.phases.map(\.kind) == [.pinned])
        #expect(result.verified)
    }

    @Test("--node 0: both regions are bound there, read back, and each phase ends with its pages sampled there")
    func placement() throws {
        var configuration = Self.configuration(seconds: 0.2)
        configuration.placement = .node(0)
        let result = try Hold(configuration, backend: LoggingBackend()).run(stopWhen: { false })
        #expect(result.placement == "mbind MPOL_BIND node 0")
        #expect(result.phases.count == 2)
        for phase in result.phases {
            let sample = try #require(phase.pageNodes)
            #expect(sample.present > 0 && sample.pages(on: [0]) == sample.present, "\(sample)")
        }
        // A node this machine lacks is refused before any memory is used.
        configuration.placement = .node(99)
        #expect(throws: HarnessError.self) { try Hold(configuration, backend: LoggingBackend()) }
    }

    @Test("touch pins by writing, and is labelled as not pinning")
    func touchBackend() throws {
        let hold = try Hold(Self.configuration(seconds: 0.2, compare: false, backend: TouchOptions()))
        #expect(hold.pinnedLabel == "populated by touch (not pinned)")
        let result = try hold.run(stopWhen: { false })
        #expect(result.verified && result.phases.count == 1)
    }

    @Test("an interrupt ends the phase early, skips the unpinned one, and the region is still unpinned")
    func interrupted() throws {
        let backend = LoggingBackend()
        let start = MonotonicClock.now()
        let result = try Hold(Self.configuration(seconds: 30), backend: backend)
            .run(stopWhen: { MonotonicClock.seconds(from: start, to: MonotonicClock.now()) > 0.3 })
        #expect(result.interrupted)
        #expect(result.phases.map(\.kind) == [.pinned])
        let phase = try #require(result.phases.first)
        #expect(phase.stoppedEarly && phase.seconds < 5 && phase.pagesTouched > 0)
        #expect(backend.calls.withLock { $0 }.suffix(4) == ["unpin 0+\(16 << 20)", "verifyUnpinned", "metrics", "finish"])
        #expect(result.unpinnedCheck?.passed == true)
        #expect(result.markdown().contains("(interrupted)"))
    }

    @Test("a pin that does not verify is not touched, is still unpinned, and the unpinned phase is skipped")
    func failedPinCheck() throws {
        let backend = LoggingBackend(failPinCheck: true)
        let result = try Hold(Self.configuration(seconds: 0.2), backend: backend).run(stopWhen: { false })
        #expect(result.phases.isEmpty)
        #expect(result.pinnedCheck == .failed("told to fail"))
        #expect(!result.verified)
        #expect(backend.calls.withLock { $0 }.contains("verifyUnpinned"))
        #expect(result.markdown().contains("(no region was touched)"))
    }

    @Test("refused before any memory is used: foliosim, no time, bad sizes, simulated kinds, too much memory")
    func refusals() {
        func refusal(_ configuration: HoldConfiguration) -> HarnessError? {
            do {
                _ = try Hold(configuration)
                return nil
            } catch {
                return error
            }
        }
        let foliosim = refusal(Self.configuration(backend: FolioSimOptions()))
        #expect(foliosim?.exitCode == 2)
        #expect(foliosim?.description.contains("foliosim only simulates its pins") == true)
        #expect(refusal(Self.configuration(seconds: 0))?.description == "--seconds must be more than 0")
        #expect(refusal(Self.configuration(seconds: -1))?.exitCode == 2)
        #expect(refusal(Self.configuration(seconds: .infinity)) != nil)
        #expect(refusal(Self.configuration(memory: .hugetlb2m, size: .mib(3)))?.description.contains("not a multiple") == true)
        #expect(refusal(Self.configuration(memory: .mthp16k))?.exitCode == 2)
        let tooMuch = refusal(Self.configuration(size: .tib(64)))
        #expect(tooMuch?.exitCode == 2)
        #expect(tooMuch?.description.contains("more than this machine can give") == true)
    }

    @Test("notes: balancing off says how to turn it on and back; hugetlb is never scanned")
    func notes() throws {
        let off = Hold.notes(balancing: .off, memory: .thp)
        #expect(off.count == 1 && off[0].contains("sysctl -w kernel.numa_balancing=1")
                && off[0].contains("sysctl -w kernel.numa_balancing=0"))
        #expect(Hold.notes(balancing: .normal, memory: .thp).isEmpty)
        #expect(Hold.notes(balancing: .normalAndMemoryTiering, memory: .memfd).isEmpty)
        #expect(Hold.notes(balancing: .unavailable, memory: .thp).first?.contains("no NUMA balancing") == true)
        #expect(Hold.notes(balancing: .memoryTiering, memory: .anon).first?.contains("slower memory tiers") == true)
        #expect(Hold.notes(balancing: .normal, memory: .hugetlb2m) == [
            "NUMA balancing never scans hugetlb mappings: hugetlb-2m regions get no numa_pte_updates",
        ])
        let hold = try Hold(Self.configuration(), backend: LoggingBackend())
        #expect(hold.notes == Hold.notes(balancing: NUMABalancing.current(), memory: .anon))
    }

    @Test("the table: a row per region, the three counters, the mode; '-' for what is missing")
    func markdown() {
        var result = HoldResult(configuration: Self.configuration(backend: MlockOptions()), numaBalancing: .normal)
        let sample = HoldResult.Sample(
            endSeconds: 1, seconds: 1, pagesTouched: 1000, passes: 0.5,
            numa: VMStatDelta([.init(name: "numa_pte_updates", delta: 512), .init(name: "numa_hint_faults", delta: 12)]))
        result.phases = [
            HoldResult.Phase(kind: .pinned, label: "pinned by mlock", seconds: 1, pagesTouched: 1000, passes: 0.5,
                             numa: sample.numa, samples: [sample], stoppedEarly: false,
                             pageNodes: PageNodeSample(sampled: 1024, pagesByNode: [2: 1000, 0: 20], absent: 4, errors: 0)),
            HoldResult.Phase(kind: .unpinned, label: "unpinned", seconds: 0.25, pagesTouched: 0, passes: 0,
                             numa: VMStatDelta(), samples: [], stoppedEarly: true),
        ]
        result.pinSeconds = 0.002
        result.pinnedCheck = Verification(passed: true, detail: "VmLck +16M (expected +16M)")
        result.placement = "mbind MPOL_BIND node 2"
        let table = result.markdown()
        #expect(table.hasPrefix(
            "| region | seconds | passes | ns/page touched (median) | pages by node (end) | numa_pte_updates | numa_hint_faults | numa_pages_migrated |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
                + "| pinned by mlock | 1.00 | 0.5 | 1000000.0 | node 0: 20, node 2: 1000, 4 not present | 512 | 12 | - |\n"
                + "| unpinned | 0.25 (interrupted) | 0.0 | - | - | - | - | - |\n"), "\(table)")
        #expect(table.contains("memory: mbind MPOL_BIND node 2; pages by node"))
        #expect(table.contains("numa_balancing 1 (normal)"))
        #expect(table.contains("pin by mlock: 2.00 ms, ok: VmLck +16M (expected +16M)"))
    }

    @Test("JSON: the mode as its sysctl value, phases with their samples and numa deltas as objects")
    func json() throws {
        let result = try Hold(Self.configuration(seconds: 0.2, compare: false), backend: LoggingBackend())
            .run(stopWhen: { false })
        let line = try JSONLinesAppender.line(result)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["numaBalancing"] as? String == NUMABalancing.current().sysctlValue)
        #expect(object["backend"] as? String == "populate" && object["memory"] as? String == "anon")
        #expect(object["sizeBytes"] as? Int == 16 << 20)
        let phases = try #require(object["phases"] as? [[String: Any]])
        #expect(phases.count == 1 && phases[0]["kind"] as? String == "pinned")
        let numa = try #require(phases[0]["numa"] as? [String: Int])
        #expect(numa["numa_pte_updates"] != nil)
        #expect((phases[0]["samples"] as? [[String: Any]])?.isEmpty == false)
        #expect(try JSONDecoder().decode(HoldResult.self, from: Data(line.utf8)) == result)
    }
}
