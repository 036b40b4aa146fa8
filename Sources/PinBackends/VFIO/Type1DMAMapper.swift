#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

/// A real VFIO type1 container: `/dev/vfio/vfio` with one group attached and
/// `VFIO_TYPE1v2_IOMMU` set. Maps with `VFIO_IOMMU_MAP_DMA` (which pins every page with
/// `FOLL_LONGTERM` and charges `locked_vm`, shown as `VmLck`) and unmaps with `VFIO_IOMMU_UNMAP_DMA`.
public final class Type1DMAMapper: DMAMapper, @unchecked Sendable {
    public let name: String
    public let entryLimit: Int
    public var containerLock: VFIOOptions.ContainerLock { .type1 }

    let container: FileDescriptor
    private let group: FileDescriptor
    let accounting: RealMapperAccounting

    /// Opens the container and the group at `groupPath`, checks the API version, the type1v2
    /// extension and the group's viability, and sets the IOMMU model.
    public init(group groupPath: String) throws(SystemError) {
        container = try VFIODeviceFile.open(
            "/dev/vfio/vfio",
            missing: "no VFIO here: load it (modprobe vfio-pci), bind a device to vfio-pci "
                + "(e.g. driverctl set-override 0000:01:00.0 vfio-pci), or measure with --vfio shim")
        let version = try container.ioctl("VFIO_GET_API_VERSION", CPINSYS_VFIO_GET_API_VERSION)
        guard version == CPINSYS_VFIO_API_VERSION else {
            throw SystemError("VFIO_GET_API_VERSION", errno: EINVAL,
                              hint: "the kernel speaks VFIO API \(version), PinBench speaks \(CPINSYS_VFIO_API_VERSION)")
        }
        let type1v2 = try container.ioctl("VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)", CPINSYS_VFIO_CHECK_EXTENSION,
                                          value: UInt(CPINSYS_VFIO_TYPE1v2_IOMMU))
        guard type1v2 > 0 else {
            throw SystemError("VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)", errno: ENODEV,
                              hint: "no type1v2 IOMMU backend: is vfio_iommu_type1 loaded and an IOMMU enabled (intel_iommu=on / amd_iommu=on)?")
        }
        group = try VFIODeviceFile.open(
            groupPath,
            missing: "no VFIO group at \(groupPath): find a device's group with readlink /sys/bus/pci/devices/<BDF>/iommu_group "
                + "and bind the device to vfio-pci; ls /dev/vfio lists the groups there are")
        var status = cpinsys_vfio_group_status(argsz: UInt32(MemoryLayout<cpinsys_vfio_group_status>.size), flags: 0)
        try group.ioctl("VFIO_GROUP_GET_STATUS", CPINSYS_VFIO_GROUP_GET_STATUS, &status)
        guard status.flags & UInt32(CPINSYS_VFIO_GROUP_FLAGS_VIABLE) != 0 else {
            throw SystemError("VFIO_GROUP_GET_STATUS on \(groupPath)", errno: EBUSY,
                              hint: "the group is not viable: every device in it must be bound to vfio-pci or have no driver")
        }
        var containerFD = container.rawValue
        try group.ioctl("VFIO_GROUP_SET_CONTAINER", CPINSYS_VFIO_GROUP_SET_CONTAINER, &containerFD)
        try container.ioctl("VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU)", CPINSYS_VFIO_SET_IOMMU, value: UInt(CPINSYS_VFIO_TYPE1v2_IOMMU))
        entryLimit = ProcFile.readInt("/sys/module/vfio_iommu_type1/parameters/dma_entry_limit") ?? IOVATable.defaultEntryLimit
        accounting = RealMapperAccounting(entryLimit: entryLimit)
        name = "type1 \(groupPath)"
    }

    deinit {
        // Unmap what a failed run left, then let the descriptors close.
        for entry in accounting.entries { try? unmap(iova: entry.iova, length: entry.length) }
    }

    public func map(vaddr: Int, length: Int, iova: UInt64) throws(SystemError) {
        var request = cpinsys_vfio_dma_map(
            argsz: UInt32(MemoryLayout<cpinsys_vfio_dma_map>.size),
            flags: UInt32(CPINSYS_VFIO_DMA_MAP_FLAG_READ | CPINSYS_VFIO_DMA_MAP_FLAG_WRITE),
            vaddr: UInt64(vaddr), iova: iova, size: UInt64(length))
        try container.ioctl("VFIO_IOMMU_MAP_DMA of \(ByteSize(length)) at iova 0x\(String(iova, radix: 16))",
                            CPINSYS_VFIO_IOMMU_MAP_DMA, &request, hint: VFIODeviceFile.mapHint)
        accounting.mapped(IOVATable.Entry(iova: iova, length: length, vaddr: vaddr))
    }

    public func unmap(iova: UInt64, length: Int) throws(SystemError) {
        var request = cpinsys_vfio_dma_unmap(
            argsz: UInt32(MemoryLayout<cpinsys_vfio_dma_unmap>.size), flags: 0, iova: iova, size: UInt64(length))
        try container.ioctl("VFIO_IOMMU_UNMAP_DMA of \(ByteSize(length)) at iova 0x\(String(iova, radix: 16))",
                            CPINSYS_VFIO_IOMMU_UNMAP_DMA, &request)
        accounting.unmapped(iova: iova, length: length)
    }

    public var entryCount: Int { accounting.entries.count }

    public func takeStatistics() -> DMAMapperStatistics { accounting.takeStatistics() }

    /// type1 charges every pinned page to `locked_vm` (`VmLck`), with or without `CAP_IPC_LOCK`.
    public func verifyMapped(_ region: Region, baseline: ProcStatus) -> Verification {
        accounting.verifyMapped(region, baseline: baseline, counter: \.lockedBytes, counterName: "VmLck")
    }

    public func verifyUnmapped(_ region: Region, baseline: ProcStatus) -> Verification {
        accounting.verifyUnmapped(baseline: baseline, counter: \.lockedBytes, counterName: "VmLck")
    }
}
