#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

/// A real iommufd IOAS: `/dev/iommu` with an IOAS allocated, and the VFIO device cdev bound to
/// it (`VFIO_DEVICE_BIND_IOMMUFD`) and attached (`VFIO_DEVICE_ATTACH_IOMMUFD_PT`), so that a map
/// pins for real. Maps with `IOMMU_IOAS_MAP` at a fixed IOVA (pinned pages are charged to
/// `pinned_vm`, shown as `VmPin`) and unmaps with `IOMMU_IOAS_UNMAP`.
public final class IOMMUFDDMAMapper: DMAMapper, @unchecked Sendable {
    public let name: String
    /// iommufd has no `dma_entry_limit`; areas are bounded by memory only.
    public var entryLimit: Int { Int.max }
    public var containerLock: VFIOOptions.ContainerLock { .iommufd }

    private let iommu: FileDescriptor
    private let device: FileDescriptor
    private let ioasID: UInt32
    private let accounting = RealMapperAccounting(entryLimit: Int.max)

    /// Opens `/dev/iommu` and the device cdev at `devicePath`, allocates an IOAS, binds and attaches.
    public init(device devicePath: String) throws(SystemError) {
        iommu = try VFIODeviceFile.open(
            "/dev/iommu",
            missing: "no /dev/iommu: this kernel lacks CONFIG_IOMMUFD or the module is not loaded (modprobe iommufd); "
                + "or measure with --vfio shim")
        device = try VFIODeviceFile.open(
            devicePath,
            missing: "no VFIO device cdev at \(devicePath): it needs CONFIG_VFIO_DEVICE_CDEV and a device bound to vfio-pci; "
                + "ls /dev/vfio/devices lists them")
        var alloc = cpinsys_iommu_ioas_alloc(size: UInt32(MemoryLayout<cpinsys_iommu_ioas_alloc>.size), flags: 0, out_ioas_id: 0)
        try iommu.ioctl("IOMMU_IOAS_ALLOC", CPINSYS_IOMMU_IOAS_ALLOC, &alloc)
        ioasID = alloc.out_ioas_id
        var bind = cpinsys_vfio_device_bind_iommufd(
            argsz: UInt32(MemoryLayout<cpinsys_vfio_device_bind_iommufd>.size), flags: 0, iommufd: iommu.rawValue, out_devid: 0)
        try device.ioctl("VFIO_DEVICE_BIND_IOMMUFD", CPINSYS_VFIO_DEVICE_BIND_IOMMUFD, &bind) { error in
            error == EBUSY ? "the device is bound already (another process, or its group is open through type1)" : nil
        }
        var attach = cpinsys_vfio_device_attach_iommufd_pt(
            argsz: UInt32(MemoryLayout<cpinsys_vfio_device_attach_iommufd_pt>.size), flags: 0, pt_id: ioasID)
        try device.ioctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT", CPINSYS_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach)
        name = "iommufd \(devicePath) (IOAS \(ioasID))"
    }

    deinit {
        for entry in accounting.entries { try? unmap(iova: entry.iova, length: entry.length) }
        var destroy = cpinsys_iommu_destroy(size: UInt32(MemoryLayout<cpinsys_iommu_destroy>.size), id: ioasID)
        _ = try? iommu.ioctl("IOMMU_DESTROY", CPINSYS_IOMMU_DESTROY, &destroy)
    }

    public func map(vaddr: Int, length: Int, iova: UInt64) throws(SystemError) {
        var request = cpinsys_iommu_ioas_map(
            size: UInt32(MemoryLayout<cpinsys_iommu_ioas_map>.size),
            flags: UInt32(CPINSYS_IOMMU_IOAS_MAP_FIXED_IOVA | CPINSYS_IOMMU_IOAS_MAP_WRITEABLE | CPINSYS_IOMMU_IOAS_MAP_READABLE),
            ioas_id: ioasID, reserved: 0, user_va: UInt64(vaddr), length: UInt64(length), iova: iova)
        try iommu.ioctl("IOMMU_IOAS_MAP of \(ByteSize(length)) at iova 0x\(String(iova, radix: 16))",
                        CPINSYS_IOMMU_IOAS_MAP, &request, hint: VFIODeviceFile.mapHint)
        accounting.mapped(IOVATable.Entry(iova: iova, length: length, vaddr: vaddr))
    }

    public func unmap(iova: UInt64, length: Int) throws(SystemError) {
        var request = cpinsys_iommu_ioas_unmap(
            size: UInt32(MemoryLayout<cpinsys_iommu_ioas_unmap>.size), ioas_id: ioasID, iova: iova, length: UInt64(length))
        try iommu.ioctl("IOMMU_IOAS_UNMAP of \(ByteSize(length)) at iova 0x\(String(iova, radix: 16))",
                        CPINSYS_IOMMU_IOAS_UNMAP, &request)
        accounting.unmapped(iova: iova, length: length)
    }

    public var entryCount: Int { accounting.entries.count }

    public func takeStatistics() -> DMAMapperStatistics { accounting.takeStatistics() }

    /// iommufd's default (user) accounting charges `pinned_vm` (`VmPin`).
    public func verifyMapped(_ region: Region, baseline: ProcStatus) -> Verification {
        accounting.verifyMapped(region, baseline: baseline, counter: \.pinnedBytes, counterName: "VmPin")
    }

    public func verifyUnmapped(_ region: Region, baseline: ProcStatus) -> Verification {
        accounting.verifyUnmapped(baseline: baseline, counter: \.pinnedBytes, counterName: "VmPin")
    }
}
