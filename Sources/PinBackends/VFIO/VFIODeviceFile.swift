#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinSystem

/// The file descriptors of the real VFIO and iommufd paths, and their ioctls with errors
/// that say what to do.
struct VFIODeviceFile: ~Copyable {
    let fd: Int32
    let path: String

    /// Opens `path` read-write; `missing` says what to do when it does not exist.
    init(_ path: String, missing: String) throws(SystemError) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            let error = errno
            let hint: String
            switch error {
            case ENOENT, ENODEV, ENXIO: hint = missing
            case EACCES, EPERM: hint = "no permission on \(path): run as root or give this user the device (chown or a udev rule)"
            case EBUSY: hint = "\(path) is in use by another process (a VMM, or another container)"
            default: hint = missing
            }
            throw SystemError("open(\(path))", errno: error, hint: hint)
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// `ioctl(fd, request, pointer)`; returns its non-negative result.
    @discardableResult
    func ioctl<T>(_ name: String, _ request: Int, _ argument: inout T, hint: (Int32) -> String? = { _ in nil }) throws(SystemError) -> Int32 {
        let rc = withUnsafeMutablePointer(to: &argument) { cpinsys_ioctl_pointer(fd, UInt(bitPattern: request), $0) }
        guard rc >= 0 else {
            let error = errno
            throw SystemError("\(name) on \(path)", errno: error, hint: hint(error))
        }
        return rc
    }

    /// `ioctl(fd, request, value)`; returns its non-negative result.
    @discardableResult
    func ioctl(_ name: String, _ request: Int, value: UInt = 0, hint: (Int32) -> String? = { _ in nil }) throws(SystemError) -> Int32 {
        let rc = cpinsys_ioctl_value(fd, UInt(bitPattern: request), value)
        guard rc >= 0 else {
            let error = errno
            throw SystemError("\(name) on \(path)", errno: error, hint: hint(error))
        }
        return rc
    }

    /// What a failed map says about itself, shared by type1 and iommufd.
    static func mapHint(_ error: Int32) -> String? {
        switch error {
        case ENOMEM: return "RLIMIT_MEMLOCK exceeded (the kernel charges every pinned page): run as root or raise it (ulimit -l unlimited)"
        case EEXIST: return "the IOVA range overlaps an existing mapping"
        case ENOSPC: return "dma_entry_limit reached: raise vfio_iommu_type1's dma_entry_limit or map larger ranges"
        case EINVAL: return "the IOVA range is outside the IOMMU's aperture or in a reserved region"
        case EFAULT: return "a page of the range could not be pinned"
        default: return nil
        }
    }
}
