#if canImport(Glibc)
import Glibc
#endif

/// The device files of the real VFIO and iommufd paths (`/dev/vfio/vfio`, a group, `/dev/iommu`,
/// a device cdev): opened with errors that say what to do, their ioctls through `FileDescriptor`.
public enum VFIODeviceFile {
    /// Opens `path` read-write (`open(2)`); `missing` says what to do when it does not exist.
    public static func open(_ path: String, missing: String) throws(SystemError) -> FileDescriptor {
        try FileDescriptor(opening: path, O_RDWR) { error in
            switch error {
            case ENOENT, ENODEV, ENXIO: missing
            case EACCES, EPERM: "no permission on \(path): run as root or give this user the device (chown or a udev rule)"
            case EBUSY: "\(path) is in use by another process (a VMM, or another container)"
            default: missing
            }
        }
    }

    /// What a failed map says about itself, shared by type1 and iommufd.
    public static func mapHint(_ error: Int32) -> String? {
        switch error {
        case ENOMEM: "RLIMIT_MEMLOCK exceeded (the kernel charges every pinned page): run as root or raise it (ulimit -l unlimited)"
        case EEXIST: "the IOVA range overlaps an existing mapping"
        case ENOSPC: "dma_entry_limit reached: raise vfio_iommu_type1's dma_entry_limit or map larger ranges"
        case EINVAL: "the IOVA range is outside the IOMMU's aperture or in a reserved region"
        case EFAULT: "a page of the range could not be pinned"
        default: nil
        }
    }
}
