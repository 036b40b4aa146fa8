#if canImport(Glibc)
import Glibc
#endif

// MARK: - A device cdev's IOMMU group, from sysfs

extension VFIODeviceFile {
    /// Drivers that leave a group viable: VFIO's own, and those that manage no DMA
    /// (`driver_managed_dma`: pci-stub, PCIe port services). Any other driver on a device of
    /// the group makes the kernel refuse to bind the cdev (`iommu_device_claim_dma_owner`).
    static let viableDrivers: Set<String> = ["vfio-pci", "pci-stub", "pcieport"]

    /// Why the group of the device cdev at `cdevPath` is not viable (another device of it has
    /// a driver that does DMA), with what to do; nil when it is viable or sysfs does not say
    /// (the bind then answers for itself). Reads `/sys/class/vfio-dev/<name>/device/iommu_group/devices/*/driver`.
    public static func nonViableGroup(ofDevice cdevPath: String) -> String? {
        let name = cdevPath.split(separator: "/").last.map(String.init) ?? cdevPath
        let group = "/sys/class/vfio-dev/\(name)/device/iommu_group"
        guard let members = ProcFile.listDirectory("\(group)/devices"),
              let groupName = readLink(group)?.split(separator: "/").last else { return nil }
        for member in members.sorted() {
            guard let driver = readLink("\(group)/devices/\(member)/driver")?.split(separator: "/").last.map(String.init) else { continue }
            if !viableDrivers.contains(driver) && !driver.hasPrefix("vfio") {
                return "IOMMU group \(groupName) of \(cdevPath) is not viable: \(member) in it is bound to \(driver); "
                    + "bind it to vfio-pci or unbind it (echo \(member) > /sys/bus/pci/devices/\(member)/driver/unbind), or leave \(name) out"
            }
        }
        return nil
    }

    /// The target of the symbolic link at `path` (`readlink(2)`), or nil.
    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
