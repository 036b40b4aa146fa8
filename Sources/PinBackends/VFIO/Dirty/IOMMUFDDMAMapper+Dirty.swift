#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

extension IOMMUFDDMAMapper {
    /// The tracker of the domain the device was attached through: the mapper must have been
    /// made with `hwptFlags` `IOMMU_HWPT_ALLOC_DIRTY_TRACKING`, which `IOMMUFDAttachment`
    /// allocates only after `IOMMU_GET_HW_INFO` says the IOMMU tracks dirty pages (refused,
    /// naming why, where it does not: QEMU's emulated VT-d has no dirty bits). One device only.
    public func makeDirtyTracker() throws(SystemError) -> IOMMUFDDirtyTracker {
        guard attachment.hwptFlags & UInt32(CPINSYS_IOMMU_HWPT_ALLOC_DIRTY_TRACKING) != 0, attachment.hwptIDs.count == 1,
              let hwpt = attachment.hwptIDs.first else {
            throw SystemError("dirty tracking on \(name)", errno: EINVAL,
                              hint: "the mapper needs one domain allocated with IOMMU_HWPT_ALLOC_DIRTY_TRACKING")
        }
        return IOMMUFDDirtyTracker(iommu: iommu, hwptID: hwpt,
                                   name: "iommufd IOMMU_HWPT_GET_DIRTY_BITMAP (HWPT \(hwpt))", marker: nil)
    }
}

extension IOMMUFDAttachment {
    /// `IOMMU_GET_HW_INFO` of a bound device: refused unless its IOMMU reports
    /// `IOMMU_HW_CAP_DIRTY_TRACKING`, before a dirty-tracking domain is asked for.
    func checkDirtyTracking(deviceID: UInt32, path: String) throws(SystemError) {
        var info = cpinsys_iommu_hw_info()
        info.size = UInt32(MemoryLayout<cpinsys_iommu_hw_info>.size)
        info.dev_id = deviceID
        try iommu.ioctl("IOMMU_GET_HW_INFO of device \(deviceID)", CPINSYS_IOMMU_GET_HW_INFO, &info)
        guard info.out_capabilities & UInt64(CPINSYS_IOMMU_HW_CAP_DIRTY_TRACKING) != 0 else {
            throw SystemError("IOMMU_GET_HW_INFO of \(path)", errno: EOPNOTSUPP,
                              hint: "this IOMMU has no dirty tracking (out_capabilities 0x\(String(info.out_capabilities, radix: 16)) "
                                  + "lacks IOMMU_HW_CAP_DIRTY_TRACKING; QEMU's emulated VT-d has none): "
                                  + "measure type1's log with --dirty-tracking type1, or the kernel's bitmap walk with --dirty-tracking iommufd-mock")
        }
    }
}
