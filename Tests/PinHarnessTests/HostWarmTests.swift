#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinCore
import Testing

@testable import PinHarness

@Suite("--host-warm: each repetition's memory touched untimed first, only in a VM")
struct HostWarmTests {
    static let vmWithReporting = HostWarm.Machine(virtualized: true, freePageReporting: true)
    static let vmWithout = HostWarm.Machine(virtualized: true, freePageReporting: false)
    static let bareMetal = HostWarm.Machine(virtualized: false, freePageReporting: false)

    @Test("auto warms exactly in a VM with free page reporting; off never; on in any VM")
    func resolve() throws {
        #expect(try HostWarm.auto.resolve(on: Self.vmWithReporting))
        #expect(try HostWarm.auto.resolve(on: Self.vmWithout) == false)
        #expect(try HostWarm.auto.resolve(on: Self.bareMetal) == false)
        #expect(try HostWarm.off.resolve(on: Self.vmWithReporting) == false)
        #expect(try HostWarm.on.resolve(on: Self.vmWithout))
    }

    @Test("on is refused on bare metal, with the reason")
    func refusedOnBareMetal() {
        do {
            _ = try HostWarm.on.resolve(on: Self.bareMetal)
            Issue.record("--host-warm on should be refused on bare metal")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.description.contains("no host to warm"))
        }
    }

    static func minorFaults() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD: Glibc does not export it to Swift
        return usage.ru_minflt
    }

    static func residentAnon() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    @Test("the warm touch faults in every page of a region like the next one, then unmaps it")
    func touchesThenUnmaps() throws {
        let configuration = RunConfiguration(backend: .populate, strategies: [.single], threads: 1, size: .mib(16),
                                             memory: .anon, repetitions: 1, warmups: 0, hostWarm: .auto)
        let experiment = try Experiment(configuration, host: Self.vmWithReporting)
        #expect(experiment.warmsHost)
        let faults = Self.minorFaults()
        let resident = Self.residentAnon()
        let seconds = try #require(try experiment.warmHost())
        #expect(seconds > 0)
        #expect(Self.minorFaults() - faults >= (16 << 20) / 4096, "every 4 KiB page of 16 MiB faulted in")
        // Gone again before the repetition maps its own (other tests may allocate meanwhile).
        #expect(Self.residentAnon() - resident < 8 << 20, "RssAnon \(resident) before, \(Self.residentAnon()) after")
    }

    @Test("records carry the warm time when warmed, and none when not; runs verify either way")
    func recorded() throws {
        for (warm, host) in [(HostWarm.auto, Self.vmWithReporting), (.auto, Self.bareMetal), (.off, Self.vmWithReporting)] {
            let configuration = RunConfiguration(backend: .populate, threads: 2, size: .mib(8), memory: .anon,
                                                 repetitions: 1, warmups: 0, baseline: true, hostWarm: warm)
            let records = try Experiment(configuration, host: host).run()
            let warmed = host == Self.vmWithReporting && warm == .auto
            let unverified = records.filter { !$0.verified }
            let mismatched = records.filter { ($0.hostWarmSeconds != nil) != warmed }
            #expect(records.count == 5 && unverified.isEmpty)
            #expect(mismatched.isEmpty, "\(warm) on \(host)")
        }
    }

    @Test("foliosim's address-space ranges have no memory to warm")
    func foliosimNeverWarms() throws {
        let configuration = RunConfiguration(backend: .foliosim, strategies: [.single], threads: 1, size: .gib(1),
                                             memory: .hugetlb1g, repetitions: 1, warmups: 0, hostWarm: .on)
        #expect(try Experiment(configuration, host: Self.vmWithReporting).warmsHost == false)
    }

    @Test("sets made before --host-warm resume without it; new specifications default to auto")
    func specificationDefault() throws {
        var specification = SweepSpecification(backends: [.populate], memory: [.anon], sizes: [.mib(8)], threads: [1],
                                               seed: 1, commandLine: "pinbench sweep")
        #expect(specification.hostWarm == .auto)
        #expect(specification.configuration(for: specification.cells[0]).hostWarm == .auto)
        specification.hostWarm = nil
        #expect(specification.configuration(for: specification.cells[0]).hostWarm == .off)
    }
}
