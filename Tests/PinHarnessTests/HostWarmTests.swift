#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem
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

    /// Mappings of exactly `bytes` in this process (a size no other test maps; a memfd's own
    /// file, so the kernel never merges it with a neighbour).
    static func mappings(of bytes: Int) -> Int {
        let maps = (try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8)) ?? ""
        return maps.split(separator: "\n").filter { line in
            let range = line.split(separator: " ")[0].split(separator: "-").compactMap { Int($0, radix: 16) }
            return range.count == 2 && range[1] - range[0] == bytes
        }.count
    }

    @Test("the warm touch faults in every page of a region like the next one, then unmaps it")
    func touchesThenUnmaps() throws {
        let size = ByteSize.mib(22)
        let configuration = RunConfiguration(strategies: [.single], threads: 1, size: size,
                                             memory: .memfd, repetitions: 1, warmups: 0, hostWarm: .auto)
        let experiment = try Experiment(configuration, host: Self.vmWithReporting)
        #expect(experiment.warmsHost)
        do {  // the check below sees such a mapping while it exists
            let region = try Region.map(kind: .memfd, size: size)
            #expect(Self.mappings(of: size.bytes) == 1)
            _ = region
        }
        let faults = Self.minorFaults()
        let seconds = try #require(try experiment.warmHost())
        #expect(seconds > 0)
        #expect(Self.minorFaults() - faults >= size.bytes / 4096, "every 4 KiB page faulted in")
        // Gone again before the repetition maps its own.
        #expect(Self.mappings(of: size.bytes) == 0)
    }

    @Test("records carry the warm time when warmed, and none when not; runs verify either way")
    func recorded() throws {
        for (warm, host) in [(HostWarm.auto, Self.vmWithReporting), (.auto, Self.bareMetal), (.off, Self.vmWithReporting)] {
            let configuration = RunConfiguration(threads: 2, size: .mib(8), memory: .anon,
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
        let configuration = RunConfiguration(backendOptions: FolioSimOptions(), strategies: [.single], threads: 1, size: .gib(1),
                                             memory: .hugetlb1g, repetitions: 1, warmups: 0, hostWarm: .on)
        #expect(try Experiment(configuration, host: Self.vmWithReporting).warmsHost == false)
    }

    @Test("sets made before --host-warm resume without it; new specifications default to auto")
    func specificationDefault() throws {
        var specification = SweepSpecification(backends: [.populate], memory: [.anon], sizes: [.mib(8)], threads: [1],
                                               seed: 1, commandLine: "pinbench sweep")
        #expect(specification.hostWarm == .auto)
        #expect(try specification.configuration(for: specification.cells[0]).hostWarm == .auto)
        specification.hostWarm = nil
        #expect(try specification.configuration(for: specification.cells[0]).hostWarm == .off)
    }

    @Test("summary.md says how much warming the set's repetitions took, or that none was done")
    func summaryLine() {
        var records = SweepFixtures.cell("single", pins: [1, 1, 1])
        #expect(ResultSet.hostWarmLine(records: records, setting: nil) == nil)
        #expect(ResultSet.hostWarmLine(records: records, setting: .off) == "Host warm: off, no repetition warmed.  ")
        #expect(ResultSet.hostWarmLine(records: records, setting: .auto)?.contains("not a VM with free page reporting") == true)
        for index in records.indices { records[index].hostWarmSeconds = 0.25 * Double(index + 1) }
        let line = ResultSet.hostWarmLine(records: records, setting: .auto) ?? ""
        #expect(line.contains("3 of 3 repetitions; median 500 ms"), "\(line)")
    }
}
