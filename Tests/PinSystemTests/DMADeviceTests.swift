import Foundation
import PinSystem
import Testing

@Suite("DMADevice: a backend's device and its sysfs numa_node")
struct DMADeviceTests {
    /// A sysfs fixture: two edu devices behind expander bridges (nodes 0 and 1), one on the root
    /// bus (-1), group 19 and cdev vfio2 leading to the first.
    struct Fixture {
        let root: String

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("pinbench-sysfs-\(UUID().uuidString)").path
            try device("0000:41:00.0", node: "0")
            try device("0000:81:00.0", node: "1")
            try device("0000:00:0a.0", node: "-1")
            try device("0000:00:0c.0", node: "banana")
            try device("0000:00:0d.0", node: "4096")
            try FileManager.default.createDirectory(atPath: "\(root)/kernel/iommu_groups/19/devices", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: "\(root)/kernel/iommu_groups/19/devices/0000:41:00.0", withDestinationPath: "../../../../bus/pci/devices/0000:41:00.0")
            try FileManager.default.createDirectory(atPath: "\(root)/class/vfio-dev/vfio2", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: "\(root)/class/vfio-dev/vfio2/device", withDestinationPath: "../../../devices/pci0000:40/0000:40:00.0/0000:41:00.0")
        }

        func device(_ address: String, node: String) throws {
            let directory = "\(root)/bus/pci/devices/\(address)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try (node + "\n").write(toFile: "\(directory)/numa_node", atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test("a group, a cdev (by name or path) and a PCI address each lead to the device and its node")
    func resolves() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let first = DMADevice(address: "0000:41:00.0", node: 0)
        #expect(try DMADevice.resolve(.vfioGroup("19"), sysfs: fixture.root) == [first])
        #expect(try DMADevice.resolve(.vfioGroup("/dev/vfio/19"), sysfs: fixture.root) == [first])
        #expect(try DMADevice.resolve(.vfioDevice("vfio2"), sysfs: fixture.root) == [first])
        #expect(try DMADevice.resolve(.vfioDevice("/dev/vfio/devices/vfio2"), sysfs: fixture.root) == [first])
        #expect(try DMADevice.resolve(.pci("0000:81:00.0"), sysfs: fixture.root) == [DMADevice(address: "0000:81:00.0", node: 1)])
        let rootBus = try DMADevice.resolve(.pci("0000:00:0a.0"), sysfs: fixture.root)
        #expect(rootBus == [DMADevice(address: "0000:00:0a.0", node: nil)])
        #expect(rootBus[0].description == "0000:00:0a.0 (no node)")
        #expect(first.description == "0000:41:00.0 (node 0)")
    }

    @Test("what is missing or out of range is refused with what to check", arguments: [
        (DMADevice.Reference.vfioGroup("7"), "ls /sys/kernel/iommu_groups"),
        (.vfioDevice("vfio9"), "ls /sys/class/vfio-dev"),
        (.pci("0000:00:1f.0"), "lspci -D"),
        (.pci("0000:00:0c.0"), "not a node from -1 to 1023"),
        (.pci("0000:00:0d.0"), "not a node from -1 to 1023"),
    ])
    func refuses(reference: DMADevice.Reference, says: String) throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        #expect { try DMADevice.resolve(reference, sysfs: fixture.root) } throws: { error in
            "\(error)".contains(says)
        }
    }
}
