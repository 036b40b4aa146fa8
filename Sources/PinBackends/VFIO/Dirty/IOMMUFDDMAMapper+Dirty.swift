#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

extension IOMMUFDDMAMapper {
    /// Asks the IOMMU whether it tracks dirty pages (`IOMMU_GET_HW_INFO`'s
    /// `IOMMU_HW_CAP_DIRTY_TRACKING`), allocates a HWPT over the IOAS for the bound device with
    /// `IOMMU_HWPT_ALLOC_DIRTY_TRACKING`, and moves the device onto it
    /// (`VFIO_DEVICE_ATTACH_IOMMUFD_PT`, a replace); the IOAS's maps then reach that domain.
    /// Call it before anything is mapped. Refused, naming why, where the IOMMU cannot track
    /// (QEMU's emulated VT-d has no dirty bits).
    public func makeDirtyTracker() throws(SystemError) -> IOMMUFDDirtyTracker {
        var info = cpinsys_iommu_hw_info()
        info.size = UInt32(MemoryLayout<cpinsys_iommu_hw_info>.size)
        info.dev_id = deviceID
        try iommu.ioctl("IOMMU_GET_HW_INFO of device \(deviceID)", CPINSYS_IOMMU_GET_HW_INFO, &info)
        guard info.out_capabilities & UInt64(CPINSYS_IOMMU_HW_CAP_DIRTY_TRACKING) != 0 else {
            throw SystemError("IOMMU_GET_HW_INFO of \(name)", errno: EOPNOTSUPP,
                              hint: "this IOMMU has no dirty tracking (out_capabilities 0x\(String(info.out_capabilities, radix: 16)) "
                                  + "lacks IOMMU_HW_CAP_DIRTY_TRACKING; QEMU's emulated VT-d has none): "
                                  + "measure type1's log with --dirty-tracking type1, or the kernel's bitmap walk with --dirty-tracking iommufd-mock")
        }
        var alloc = cpinsys_iommu_hwpt_alloc()
        alloc.size = UInt32(MemoryLayout<cpinsys_iommu_hwpt_alloc>.size)
        alloc.flags = UInt32(CPINSYS_IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
        alloc.dev_id = deviceID
        alloc.pt_id = ioasID
        try iommu.ioctl("IOMMU_HWPT_ALLOC(DIRTY_TRACKING) for \(name)", CPINSYS_IOMMU_HWPT_ALLOC, &alloc) { error in
            error == EOPNOTSUPP ? "the IOMMU driver cannot make a dirty-tracking domain for this device" : nil
        }
        var attach = cpinsys_vfio_device_attach_iommufd_pt(
            argsz: UInt32(MemoryLayout<cpinsys_vfio_device_attach_iommufd_pt>.size), flags: 0, pt_id: alloc.out_hwpt_id)
        try device.ioctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT(HWPT \(alloc.out_hwpt_id))", CPINSYS_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach)
        return IOMMUFDDirtyTracker(iommu: iommu, hwptID: alloc.out_hwpt_id,
                                   name: "iommufd IOMMU_HWPT_GET_DIRTY_BITMAP (HWPT \(alloc.out_hwpt_id))", marker: nil)
    }
}
