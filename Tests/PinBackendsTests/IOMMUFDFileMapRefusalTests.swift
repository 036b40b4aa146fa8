#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem
import Testing

/// What `--vfio iommufd-file` refuses, and how: memory kinds that are no file (before any
/// device is opened), and a kernel without `IOMMU_IOAS_MAP_FILE` (its `ENOTTY`), each as one
/// line naming what works.
@Suite("iommufd file map refusals")
struct IOMMUFDFileMapRefusalTests {
    static let file = VFIOOptions(path: .iommufdFile(device: "/dev/vfio/devices/vfio0"))

    @Test("memfd, memfd-hugetlb and hugetlbfs kinds are taken", arguments: MemoryKind.allCases.filter(\.isShared))
    func fileKindsTaken(kind: MemoryKind) {
        #expect(Self.file.refusal(memory: kind) == nil)
    }

    @Test("kinds that are no file are refused, naming the kinds that work and the address map",
          arguments: MemoryKind.allCases.filter { !$0.isShared })
    func otherKindsRefused(kind: MemoryKind) throws {
        let refusal = try #require(Self.file.refusal(memory: kind))
        #expect(refusal == "--vfio iommufd-file maps a file's range (IOMMU_IOAS_MAP_FILE) and \(kind) memory is no file: "
            + "use --memory memfd, memfd-hugetlb-2m, memfd-hugetlb-1g, hugetlbfs-2m, hugetlbfs-1g, "
            + "or --vfio iommufd:<device> (IOMMU_IOAS_MAP) for \(kind)")
        #expect(!refusal.contains("\n"))
    }

    @Test("every other path takes every kind", arguments: [
        VFIOOptions(), VFIOOptions(path: .type1(group: "/dev/vfio/1")), VFIOOptions(path: .iommufd(device: "/dev/vfio/devices/vfio0")),
    ])
    func otherPathsTakeAll(options: VFIOOptions) {
        #expect(MemoryKind.allCases.allSatisfy { options.refusal(memory: $0) == nil })
    }

    @Test("the file map is charged to pinned_vm and cannot split a call, as IOAS_MAP")
    func chargesAndCapabilities() {
        #expect(Self.file.charges == .pinnedVM)
        #expect(!Self.file.capabilities.contains(.splitsCalls))
        #expect(Self.file.refusal(prefault: false, strategies: [.kernel]) != nil)
        #expect(Self.file.label == "vfio iommufd-file:/dev/vfio/devices/vfio0")
        #expect(Self.file.recorded == "iommufd-file:/dev/vfio/devices/vfio0")
    }

    @Test("ENOTTY means the kernel lacks the ioctl, and its advice names Linux 6.13 and the address map")
    func missingIoctl() throws {
        #expect(IOMMUFDDMAMapper.lacksFileMap(ENOTTY))
        #expect(!IOMMUFDDMAMapper.lacksFileMap(EINVAL))
        #expect(!IOMMUFDDMAMapper.lacksFileMap(ENOMEM))
        let hint = try #require(IOMMUFDDMAMapper.fileMapHint(ENOTTY))
        #expect(hint.contains("has no IOMMU_IOAS_MAP_FILE, which came in Linux 6.13"))
        #expect(hint.contains("--vfio iommufd:<device> (IOMMU_IOAS_MAP)"))
        #expect(hint.contains("this kernel (\(try ProcFile.read("/proc/sys/kernel/osrelease").trimmingWhitespace()))"))
        #expect(!hint.contains("\n"))
    }

    @Test("other errnos keep their own advice: a file memfd_pin_folios does not take, then the address map's")
    func otherErrnos() {
        #expect(IOMMUFDDMAMapper.fileMapHint(EINVAL)?.contains("memfd_pin_folios takes only a memfd (shmem) or hugetlbfs file") == true)
        #expect(IOMMUFDDMAMapper.fileMapHint(ENOMEM) == VFIODeviceFile.mapHint(ENOMEM))
        #expect(IOMMUFDDMAMapper.fileMapHint(EEXIST) == VFIODeviceFile.mapHint(EEXIST))
    }
}
