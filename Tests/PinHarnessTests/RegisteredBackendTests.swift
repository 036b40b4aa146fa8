import Foundation
import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import PinTestBackend
import Testing

/// A backend from outside the package (`Tests/PinTestBackend`, one registration line) runs
/// through the same harness as the standard ones and reaches every table, format and file.
@Suite("A registered test backend reaches every table and the JSON")
struct RegisteredBackendTests {
    /// The one line a new backend needs outside PinBackends.
    static let registered: Void = BackendRegistry.register(ProbeOptions.self)

    init() { _ = Self.registered }

    @Test("the catalog lists it after the standard backends, with its metrics and defaults")
    func catalog() throws {
        let catalog = Backends.catalog
        #expect(catalog.names.last == .probe)
        #expect(Backends.standard.allSatisfy { catalog.precedes($0.backend, .probe) })
        #expect(!catalog.precedes(.probe, .populate))
        #expect(try catalog.parse("probe").backend == .probe)
        #expect(catalog.metric(named: "probeTouchedBytes") == ProbeMetric.touched)
        #expect(catalog.metrics.suffix(2) == [ProbeMetric.minorFaults, ProbeMetric.touched])
    }

    @Test("run: its records verify, carry its typed metrics, and every format shows them")
    func run() throws {
        let configuration = RunConfiguration(
            backendOptions: ProbeOptions(), strategies: [.single, .user], threads: 2, size: .mib(8), memory: .anon,
            repetitions: 2, warmups: 0, hostWarm: .off)
        let records = try Experiment(configuration).run()
        #expect(records.count == 4 && records.allSatisfy(\.verified), "\(records.map(\.pinnedCheck))")
        #expect(records.allSatisfy { $0.backend == .probe })
        let metrics = try #require(records.first?.backendMetrics)
        #expect(metrics[ProbeMetric.touched] == Double(8 << 20))
        // 4 KiB memory: a fault per page written (more if the kernel splits, never fewer).
        #expect((metrics[ProbeMetric.minorFaults] ?? 0) >= 2048, "\(metrics)")

        let report = RunReport(title: "probe", machineLine: "test", records: records)
        let markdown = report.render(.markdown)
        #expect(markdown.contains("| minor faults | bytes touched |"), "\(markdown)")
        #expect(markdown.contains("8M"))
        #expect(report.render(.text).contains("bytes touched"))
        // CSV names the column by the metric and its unit, numbers only (issue 24).
        #expect(report.render(.csv).contains("probeTouchedBytes_bytes"))
        let json = report.render(.json)
        #expect(json.contains("\"probeTouchedBytes\" : 8388608"), "\(json)")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(object?["backendMetrics"] != nil)

        // runs.jsonl: the record round-trips with its backend and metric names as written.
        let line = try JSONLinesAppender.line(records[0])
        #expect(line.contains("\"backend\":\"probe\"") && line.contains("\"probeMinorFaults\""))
        #expect(try JSONDecoder().decode(RunRecord.self, from: Data(line.utf8)) == records[0])
    }

    @Test("sweep: its group in summary.md, its name in sweep.json, read back equal")
    func sweep() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try ResultSet.create(at: "\(folder)/set")
        let specification = SweepSpecification(
            backends: [.probe, .populate], memory: [.anon], sizes: [.mib(4)], threads: [2], strategies: [.single, .kernel],
            repetitions: 1, warmups: 0, seed: 3, kernelAlign: .base, minChunk: .mib(1), hostWarm: .off,
            commandLine: "pinbench sweep (test)")
        try set.writeJSON(specification, to: ResultSet.specificationFile)
        #expect(try set.specification() == specification)
        let outcome = try Sweep(specification, resultSet: set).run(stopWhen: { false }, onEvent: { _ in })
        #expect(outcome.recorded == 4 && outcome.failed == 0)
        let rendering = try set.render(machineLine: nil)
        // Groups in catalog order: the standard populate first, the registered probe after it.
        let populate = try #require(rendering.markdown.range(of: "## populate · anon · 4M"))
        let probe = try #require(rendering.markdown.range(of: "## probe · anon · 4M"), "\(rendering.markdown)")
        #expect(populate.lowerBound < probe.lowerBound)
    }
}
