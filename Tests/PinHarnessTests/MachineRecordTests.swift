import Foundation
@testable import PinHarness
import PinSystem
import Testing

@Suite("Machine record")
struct MachineRecordTests {
    @Test("current() on this machine is plausible")
    func current() throws {
        let record = MachineRecord.current(version: "9.9.9", gitCommit: "0123456789ab")
        // Any number of nodes, but every online CPU on exactly one of them.
        #expect(!record.nodes.isEmpty)
        let nodeCPUs = record.nodes.flatMap(\.cpus)
        #expect(nodeCPUs.count == Set(nodeCPUs).count && nodeCPUs.count == record.onlineCPUs)
        #expect(record.onlineCPUs >= 1)
        #expect(record.onlineCPUs == Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #expect(record.physicalCores >= 1 && record.physicalCores <= record.onlineCPUs)
        #expect(record.sockets >= 1 && record.sockets <= record.physicalCores)
        #expect(record.allowedCPUs >= 1 && record.allowedCPUs <= record.onlineCPUs)
        #expect(!record.kernelRelease.isEmpty)
        #expect(!record.hostname.isEmpty && !record.hostname.contains("."))
        let nodeMemory = record.nodes.reduce(0) { $0 + $1.memTotalBytes }
        #expect(nodeMemory > 0 && nodeMemory <= record.memoryTotalBytes)
        #expect(record.memoryAvailableBytes > 0 && record.memoryAvailableBytes <= record.memoryTotalBytes)
        #expect(["always", "madvise", "never"].contains(record.thpEnabled))
        #expect(record.hugepagePools.map(\.pageSizeBytes) == record.hugepagePools.map(\.pageSizeBytes).sorted())
        #expect(record.hugepagePools.allSatisfy { $0.reserved != nil && $0.free <= $0.total + $0.surplus })
        #expect(record.nodes[0].hugepagePools.allSatisfy { $0.reserved == nil })
        #expect(record.numaBalancing == "unavailable" || Int(record.numaBalancing) != nil)
        #expect(record.memlock.description == MemlockLimit.current().description)
        #expect(record.pinbenchVersion == "9.9.9" && record.gitCommit == "0123456789ab")
        #expect(record.virtualized != nil && record.kernelCommandLine?.isEmpty == false)
        #expect(record.collectedAt.count == 20 && record.collectedAt.hasSuffix("Z"))
        #expect(record.oneLine.hasPrefix("\(record.hostname): Linux \(record.kernelRelease), "))
        #expect(record.oneLine.contains("\(record.physicalCores) cores/\(record.onlineCPUs) threads, 1 NUMA node,"))
    }

    @Test("JSON encode and decode round-trip, nil fields included")
    func roundTrip() throws {
        var record = MachineRecord.current(version: "0.1.0", gitCommit: "abc-dirty")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(record)
        #expect(try JSONDecoder().decode(MachineRecord.self, from: data) == record)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["gitCommit"] as? String == "abc-dirty")
        #expect((object["nodes"] as? [Any])?.count == 1)

        record.gitCommit = nil
        record.memlock.softLimitBytes = nil
        record.nodes.append(record.nodes[0])
        record.nodes[1].id = 2
        record.nodes[1].cpuList = ""
        record.nodes[1].cpus = []
        let changed = try encoder.encode(record)
        let decoded = try JSONDecoder().decode(MachineRecord.self, from: changed)
        #expect(decoded == record)
        #expect(decoded.gitCommit == nil && decoded.nodes.map(\.id) == [0, 2])
    }

    @Test("ISO 8601 timestamps in UTC")
    func timestamp() {
        #expect(MachineRecord.isoTimestamp(0) == "1970-01-01T00:00:00Z")
        #expect(MachineRecord.isoTimestamp(1_738_325_045) == "2025-01-31T12:04:05Z")
    }

    @Test("cores and sockets from a 2-socket, 2-thread-per-core topology fixture")
    func topology() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pinbench-cpu-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        // 8 CPUs: packages 0 and 1, core ids 0 and 1 in each (reused across packages), 2 threads a core.
        for cpu in 0..<8 {
            let directory = "\(root)/cpu\(cpu)/topology"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try "\(cpu / 4)\n".write(toFile: "\(directory)/physical_package_id", atomically: true, encoding: .utf8)
            try "\(cpu % 2)\n".write(toFile: "\(directory)/core_id", atomically: true, encoding: .utf8)
        }
        let all = MachineRecord.topology(of: Array(0..<8), root: root)
        #expect(all.cores == 4 && all.sockets == 2)
        let firstPackage = MachineRecord.topology(of: [0, 1, 2, 3], root: root)
        #expect(firstPackage.cores == 2 && firstPackage.sockets == 1)
        // CPU 8 has no topology folder: fall back to one core per CPU on one socket.
        let unreadable = MachineRecord.topology(of: Array(0..<9), root: root)
        #expect(unreadable.cores == 9 && unreadable.sockets == 1)
    }

    @Test("the lab's mark on the kernel command line: emulation read, shown on every table's machine line")
    func emulationMark() {
        #expect(MachineRecord.emulation(commandLine: "console=ttyS0 intel_iommu=on pinbench.lab=tcg quiet") == "tcg")
        #expect(MachineRecord.emulation(commandLine: "console=ttyS0 quiet") == nil)
        #expect(MachineRecord.emulation(commandLine: "pinbench.lab= x") == nil)
        var record = MachineRecord.current(version: "0.1.0", gitCommit: nil)
        record.emulation = nil
        #expect(!record.oneLine.contains("EMULATED"))
        record.emulation = "tcg"
        #expect(record.oneLine.hasSuffix(", EMULATED (TCG, PinBench lab): timings are not publishable"))
        let doctor = Doctor.settings(machine: record)
        #expect(doctor.contains { $0.subject == "emulated machine" && $0.detail.contains("TCG") })
    }

    @Test("page_reporting_order -1 is no free page reporting: neither the machine line nor doctor claim it")
    func noReportingAtMinusOne() {
        var record = MachineRecord.current(version: "0.1.0", gitCommit: nil)
        record.virtualized = true
        record.freePageReportingOrder = -1
        #expect(!record.hasFreePageReporting)
        #expect(!record.oneLine.contains("free page reporting"))
        let note = Doctor.settings(machine: record).first { $0.subject == "virtual machine" }
        #expect(note?.detail == "running in a VM")
        record.freePageReportingOrder = 9
        #expect(record.hasFreePageReporting && record.oneLine.contains("with free page reporting"))
        #expect(Doctor.settings(machine: record).first { $0.subject == "virtual machine" }?.detail
            == "running in a VM, free page reporting at order 9")
    }
}
