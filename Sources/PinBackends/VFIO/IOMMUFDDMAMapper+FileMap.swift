#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore
import PinSystem

// MARK: - IOMMU_IOAS_MAP_FILE

extension IOMMUFDDMAMapper {
    /// The Linux release that brought `IOMMU_IOAS_MAP_FILE`.
    public static let fileMapKernel = "Linux 6.13"

    /// What a kernel without `IOMMU_IOAS_MAP_FILE` is told, naming the release that has it.
    public static var fileMapMissing: String {
        let release = (try? ProcFile.read("/proc/sys/kernel/osrelease"))?.trimmingWhitespace() ?? "unknown"
        return "this kernel (\(release)) has no IOMMU_IOAS_MAP_FILE, which came in \(fileMapKernel): "
            + "boot \(fileMapKernel) or later, or map by address with --vfio iommufd:<device> (IOMMU_IOAS_MAP)"
    }

    /// Whether an errno from `IOMMU_IOAS_MAP_FILE` means the kernel lacks the ioctl: older
    /// kernels pass a command past their table to the VFIO compatibility layer, which answers
    /// `ENOTTY`.
    public static func lacksFileMap(_ error: Int32) -> Bool { error == ENOTTY }

    /// Advice for an `IOMMU_IOAS_MAP_FILE` errno: the missing ioctl, a file `memfd_pin_folios`
    /// does not take, then the address map's reasons.
    public static func fileMapHint(_ error: Int32) -> String? {
        if lacksFileMap(error) { return fileMapMissing }
        switch error {
        case EINVAL: return "memfd_pin_folios takes only a memfd (shmem) or hugetlbfs file, at page-aligned offsets inside it; "
            + "or the IOVA range is outside the IOMMU's aperture"
        case EBADF: return "the region's file descriptor is not open"
        default: return VFIODeviceFile.mapHint(error)
        }
    }

    /// Asks the kernel whether it has `IOMMU_IOAS_MAP_FILE` without mapping anything: a call
    /// with neither READABLE nor WRITEABLE set is `EINVAL` on a kernel that has it (checked
    /// before the IOAS or the file is looked at), `ENOTTY` on one that does not.
    static func checkFileMap(on iommu: FileDescriptor, ioasID: UInt32) throws(SystemError) {
        var probe = cpinsys_iommu_ioas_map_file(
            size: UInt32(MemoryLayout<cpinsys_iommu_ioas_map_file>.size), flags: 0, ioas_id: ioasID, fd: -1,
            start: 0, length: UInt64(PageSize.base.bytes), iova: 0)
        do throws(SystemError) {
            try iommu.ioctl("IOMMU_IOAS_MAP_FILE (a probe that maps nothing)", CPINSYS_IOMMU_IOAS_MAP_FILE, &probe)
        } catch {
            if lacksFileMap(error.errno) { throw SystemError(error.operation, errno: error.errno, hint: fileMapMissing) }
            // Any other answer came from the ioctl itself: it is there.
        }
    }

    /// One `IOMMU_IOAS_MAP_FILE`: `length` bytes of the region's file from `offset` at `iova`.
    func mapFile(_ region: Region, offset: Int, length: Int, iova: UInt64) throws(SystemError) {
        guard let file = region.fileDescriptor else {
            throw SystemError("IOMMU_IOAS_MAP_FILE of \(region.kind)", errno: EINVAL,
                              hint: VFIOOptions(path: .iommufdFile(device: "<device>")).refusal(memory: region.kind))
        }
        var request = cpinsys_iommu_ioas_map_file(
            size: UInt32(MemoryLayout<cpinsys_iommu_ioas_map_file>.size),
            flags: UInt32(CPINSYS_IOMMU_IOAS_MAP_FIXED_IOVA | CPINSYS_IOMMU_IOAS_MAP_WRITEABLE | CPINSYS_IOMMU_IOAS_MAP_READABLE),
            ioas_id: ioasID, fd: file, start: UInt64(offset), length: UInt64(length), iova: iova)
        try iommu.ioctl("IOMMU_IOAS_MAP_FILE of \(ByteSize(length)) of \(region.kind) at iova 0x\(String(iova, radix: 16))",
                        CPINSYS_IOMMU_IOAS_MAP_FILE, &request, hint: Self.fileMapHint)
    }
}
