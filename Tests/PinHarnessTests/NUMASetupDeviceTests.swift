import Foundation
import PinCore
@testable import PinHarness
import PinSystem
import Testing

@Suite("NUMASetup: --bind device, --node device and memory on a CPU-less node")
struct NUMASetupDeviceTests {
    /// The lab's shape: a CPU each on nodes 0 and 1, node 2 memory only, 20 from both.
    static let lab = MachineTopology(nodes: [
        NodeInfo(id: 0, cpuList: "0", cpus: [0], memTotalBytes: 1 << 30, memFreeBytes: 1 << 30, distances: [10, 20, 20], hugepagePools: []),
        NodeInfo(id: 1, cpuList: "1", cpus: [1], memTotalBytes: 1 << 30, memFreeBytes: 1 << 30, distances: [20, 10, 20], hugepagePools: []),
        NodeInfo(id: 2, cpuList: "", cpus: [], memTotalBytes: 1 << 30, memFreeBytes: 1 << 30, distances: [20, 20, 10], hugepagePools: []),
    ], libnuma: nil)

    /// Devices on node 1, on node 2 (device memory's own), and one reporting no node.
    struct Sysfs {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pinbench-numa-\(UUID().uuidString)").path

        init() throws {
            for (address, node) in [("0000:81:00.0", "1"), ("0000:c1:00.0", "2"), ("0000:00:0a.0", "-1")] {
                let directory = "\(root)/bus/pci/devices/\(address)"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try node.write(toFile: "\(directory)/numa_node", atomically: true, encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    func setup(_ options: NUMAOptions, devices: [String], sysfs: Sysfs) throws -> NUMASetup {
        try NUMASetup(options, machine: Self.lab, devices: devices.map { .pci($0) }, sysfs: sysfs.root)
    }

    @Test("--bind local on the CPU-less node runs on node 0 and the record says why, tie included")
    func localOnCPULess() throws {
        let setup = try NUMASetup(NUMAOptions(placement: .node(2), bind: .local), machine: Self.lab)
        #expect(setup.binding.node(forWorker: 0) == 0)
        #expect(setup.bindReason == "node 2 has no CPUs: node 0 is the nearest with CPUs (distance 20; a tie with node 1, the lower id taken)")
        let remote = try NUMASetup(NUMAOptions(placement: .node(2), bind: .remote), machine: Self.lab)
        #expect(remote.binding.node(forWorker: 0) == 1)
        #expect(remote.bindReason?.hasSuffix("remote is the next nearest, node 1") == true)
        #expect(try NUMASetup(NUMAOptions(placement: .node(0), bind: .local), machine: Self.lab).bindReason == nil)
    }

    @Test("--bind device follows the device's node; --node device binds memory there")
    func followsTheDevice() throws {
        let sysfs = try Sysfs()
        defer { sysfs.remove() }
        let beside = try setup(NUMAOptions(bind: .device), devices: ["0000:81:00.0"], sysfs: sysfs)
        #expect(beside.binding.node(forWorker: 0) == 1)
        #expect(beside.bindReason == "beside 0000:81:00.0 (node 1)")
        #expect(beside.devices == [DMADevice(address: "0000:81:00.0", node: 1)])
        let both = try setup(NUMAOptions(placement: .device, bind: .device), devices: ["0000:81:00.0"], sysfs: sysfs)
        #expect(both.placement == .node(1))
        #expect(both.placementApplied == "mbind MPOL_BIND node 1, the node of 0000:81:00.0")
        // Device memory: its node has no CPUs, so the helpers go to the nearest that has.
        let cpuless = try setup(NUMAOptions(placement: .device, bind: .device), devices: ["0000:c1:00.0"], sysfs: sysfs)
        #expect(cpuless.placement == .node(2) && cpuless.binding.node(forWorker: 0) == 0)
        #expect(cpuless.bindReason?.contains("node 2 has no CPUs") == true)
        // Without asking, sysfs is never read: a missing device is no error.
        #expect(try setup(NUMAOptions(bind: .local), devices: ["0000:ff:00.0"], sysfs: sysfs).devices.isEmpty)
    }

    @Test("what device cannot follow is refused in one line", arguments: [
        (NUMAOptions(bind: .device), [String](), "these options name none"),
        (NUMAOptions(bind: .device), ["0000:00:0a.0"], "reports no NUMA node"),
        (NUMAOptions(placement: .device), ["0000:81:00.0", "0000:c1:00.0"], "on nodes 1 and 2"),
        (NUMAOptions(bind: .device), ["0000:ff:00.0"], "lspci -D"),
        (NUMAOptions(bind: .device, topology: "2x8"), ["0000:81:00.0"], "--topology plans for another machine"),
    ])
    func refusals(options: NUMAOptions, devices: [String], says: String) throws {
        let sysfs = try Sysfs()
        defer { sysfs.remove() }
        #expect { try setup(options, devices: devices, sysfs: sysfs) } throws: { error in
            let text = "\(error)"
            return text.contains(says) && !text.contains("\n")
        }
    }
}
