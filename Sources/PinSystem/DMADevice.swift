#if canImport(Glibc)
import Glibc
#endif
import PinCore

/// A PCI device a backend maps DMA for, as the backend's option names it, and the node sysfs
/// says it sits on: what `--bind device` and `--node device` follow.
public struct DMADevice: Sendable, Equatable, Codable, CustomStringConvertible {
    /// How a backend names its device.
    public enum Reference: Sendable, Equatable, Codable, CustomStringConvertible {
        /// A VFIO group: its number or `/dev/vfio/<number>` (type1).
        case vfioGroup(String)
        /// A VFIO device cdev: `vfio3` or `/dev/vfio/devices/vfio3` (iommufd).
        case vfioDevice(String)
        /// A PCI address, `dddd:bb:dd.f` (the module's `--map-device`).
        case pci(String)

        public var description: String {
            switch self {
            case .vfioGroup(let group): return "VFIO group \(group)"
            case .vfioDevice(let device): return "VFIO device \(device)"
            case .pci(let address): return address
            }
        }
    }

    /// The PCI address, as sysfs names it.
    public var address: String
    /// Its `numa_node`, or nil where it reports none (-1: a device on a root bus without `_PXM`,
    /// or a machine with one node).
    public var node: Int?

    public init(address: String, node: Int?) {
        self.address = address
        self.node = node
    }

    /// "0000:41:00.0 (node 0)" or "0000:00:0a.0 (no node)".
    public var description: String { "\(address) (" + (node.map { "node \($0)" } ?? "no node") + ")" }

    /// The highest node number sysfs may report (`MAX_NUMNODES` is at most 1024 on x86-64).
    static let highestNode = 1023

    /// The PCI devices `reference` names, read under `sysfs` (tests pass a fixture): every
    /// device of a VFIO group, the device behind a cdev, or the device at a PCI address.
    public static func resolve(_ reference: Reference, sysfs: String = "/sys") throws(SystemError) -> [DMADevice] {
        let addresses: [String]
        switch reference {
        case .vfioGroup(let group):
            let number = group.split(separator: "/").last.map(String.init) ?? group
            let directory = "\(sysfs)/kernel/iommu_groups/\(number)/devices"
            guard let entries = ProcFile.listDirectory(directory), !entries.isEmpty else {
                throw SystemError("reading \(directory)", errno: ENOENT, hint: "no IOMMU group \(number): ls /sys/kernel/iommu_groups")
            }
            addresses = entries.sorted()
        case .vfioDevice(let device):
            let name = device.split(separator: "/").last.map(String.init) ?? device
            let link = "\(sysfs)/class/vfio-dev/\(name)/device"
            let target: String
            do throws(SystemError) { target = try Syscall.readLink(link) } catch {
                throw SystemError("reading \(link)", errno: error.errno, hint: "no VFIO device cdev \(name): ls /sys/class/vfio-dev")
            }
            // ../../../0000:41:00.0
            addresses = [target.split(separator: "/").last.map(String.init) ?? target]
        case .pci(let address):
            addresses = [address]
        }
        var devices: [DMADevice] = []
        for address in addresses {
            let path = "\(sysfs)/bus/pci/devices/\(address)/numa_node"
            let text: String
            do throws(SystemError) { text = try ProcFile.read(path) } catch {
                throw SystemError("reading \(path)", errno: error.errno, hint: "no PCI device \(address): lspci -D lists them")
            }
            guard let value = Int(text.trimmingWhitespace()), (-1...highestNode).contains(value) else {
                throw SystemError("\(path) holds '\(text.trimmingWhitespace())', not a node from -1 to \(highestNode)", errno: EINVAL)
            }
            devices.append(DMADevice(address: address, node: value < 0 ? nil : value))
        }
        return devices
    }
}
