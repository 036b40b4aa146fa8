import Foundation
import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import Testing

/// What a run and a sweep over several devices on one IOAS show of their IOMMU domains: the
/// run's metrics table (devices, IOMMU domains, the mode and each device's HWPT), the record's
/// JSON, and a sweep's `Options:` line, so 1 shared domain and 2 per-device ones read apart.
@Suite("iommufd domains: tables and records")
struct IOMMUFDDomainsReportTests {
    static let devices = ["/dev/vfio/devices/vfio2", "/dev/vfio/devices/vfio3"]
    static let perDevice = VFIOOptions(path: .iommufd(devices: devices), domains: .perDevice)

    /// A verified vfio record as a 2-device per-device run reports it.
    static func record(pin: Double, rep: Int) -> RunRecord {
        var record = GoldenFixtures.record("single", pin: pin, unpin: pin / 2, backend: "vfio", rep: rep)
        record.backendOptions = perDevice.recorded
        var metrics = BackendMetrics()
        metrics[VFIOMetric.mapCalls] = 1
        metrics[VFIOMetric.devices] = 2
        metrics[VFIOMetric.iommuDomains] = 2
        metrics[VFIOMetric.domains] = "2 per-device domains: vfio2 -> hwpt 3, vfio3 -> hwpt 4"
        metrics[VFIOMetric.mapper] = "iommufd \(devices.joined(separator: ",")) (IOAS 1, 2 per-device domains: vfio2 -> hwpt 3, vfio3 -> hwpt 4)"
        record.backendMetrics = metrics
        return record
    }

    @Test("the run's metrics table has devices and IOMMU domains columns and the domains line")
    func metricsTable() {
        let records = [Self.record(pin: 0.2, rep: 0), Self.record(pin: 0.3, rep: 1)]
        let table = BackendMetricsTable(records: records)
        #expect(table.columns.contains("iommuDomains") && table.columns.contains("devices"))
        #expect(table.rows.first?.medians["iommuDomains"] == 2)
        let markdown = table.markdown()
        #expect(markdown.contains("| IOMMU domains |") && markdown.contains("| devices |"), "\(markdown)")
        #expect(markdown.contains("domains: 2 per-device domains: vfio2 -> hwpt 3, vfio3 -> hwpt 4"), "\(markdown)")
        let report = RunReport(title: "pinbench run: \(Self.perDevice.titled)", machineLine: "test", records: records).render(.markdown)
        #expect(report.contains("vfio (iommufd:/dev/vfio/devices/vfio2,/dev/vfio/devices/vfio3 (2 per-device domains))"), "\(report)")
        #expect(report.contains("IOMMU domains"))
    }

    @Test("a record keeps the path with its domains and the domain figures through its JSON")
    func recordRoundTrip() throws {
        let record = Self.record(pin: 0.25, rep: 0)
        let data = try JSONEncoder().encode(record)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(json?["vfio"] as? String == "iommufd:/dev/vfio/devices/vfio2,/dev/vfio/devices/vfio3 (2 per-device domains)")
        let decoded = try JSONDecoder().decode(RunRecord.self, from: data)
        #expect(decoded.backendOptions == record.backendOptions)
        #expect(decoded.backendMetrics == record.backendMetrics)
        #expect(decoded.backendMetrics?[VFIOMetric.iommuDomains] == 2)
    }

    @Test("a sweep's Options line says the devices and domains, and sweep.json keeps the mode")
    func sweepOptions() throws {
        let specification = SweepSpecification(
            backends: [.vfio], memory: [.anon], sizes: [.mib(8)], threads: [1], repetitions: 1, warmups: 0, seed: 1,
            backendOptions: [Self.perDevice], commandLine: "pinbench sweep (test)")
        #expect(SweepReport.optionsLine(specification)
            == "Options: vfio (iommufd:/dev/vfio/devices/vfio2,/dev/vfio/devices/vfio3 (2 per-device domains))  ")
        let decoded = try JSONDecoder().decode(SweepSpecification.self, from: JSONEncoder().encode(specification))
        #expect(decoded == specification)
        #expect(try decoded.backendOptions.options(for: .vfio) as? VFIOOptions == Self.perDevice)
        let shared = SweepSpecification(
            backends: [.vfio], memory: [.anon], sizes: [.mib(8)], threads: [1], repetitions: 1, warmups: 0, seed: 1,
            backendOptions: [VFIOOptions(path: .iommufd(devices: Self.devices))], commandLine: "pinbench sweep (test)")
        #expect(SweepReport.options(of: shared) == "vfio (iommufd:/dev/vfio/devices/vfio2,/dev/vfio/devices/vfio3 (1 shared domain))")
    }
}
