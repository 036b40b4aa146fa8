#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

/// A real iommufd IOAS: `/dev/iommu` with an IOAS allocated, and one VFIO device cdev or more
/// bound to it (`VFIO_DEVICE_BIND_IOMMUFD`) and attached (`VFIO_DEVICE_ATTACH_IOMMUFD_PT`)
/// through one shared IOMMU domain or one each (`IOMMUFDAttachment`), so that a map pins for
/// real, once, and maps into every domain. Maps with `IOMMU_IOAS_MAP` at a fixed IOVA (pinned pages are charged to
/// `pinned_vm`, shown as `VmPin`), or with `mapCall` `.file` by the region's file with
/// `IOMMU_IOAS_MAP_FILE` (Linux 6.13, charged the same way), and unmaps with `IOMMU_IOAS_UNMAP`.
public final class IOMMUFDDMAMapper: DMAMapper, @unchecked Sendable {
    /// Which ioctl maps.
    public enum MapCall: Sendable, Equatable {
        /// `IOMMU_IOAS_MAP`: a user address range, pinned by `pin_user_pages` (a page-table walk).
        case userVA
        /// `IOMMU_IOAS_MAP_FILE`: a memfd or hugetlbfs file's range, pinned by `memfd_pin_folios`.
        case file
    }

    public let name: String
    public let mapCall: MapCall
    public var mapsFiles: Bool { mapCall == .file }
    /// iommufd has no `dma_entry_limit`; areas are bounded by memory only.
    public var entryLimit: Int { Int.max }
    public var containerLock: VFIOOptions.ContainerLock { .iommufd }

    let iommu: FileDescriptor
    let ioasID: UInt32
    /// The devices and the domains they are attached through.
    let attachment: IOMMUFDAttachment
    let accounting = RealMapperAccounting(entryLimit: Int.max)

    /// One device, attached through its own domain.
    public convenience init(device devicePath: String, mapCall: MapCall = .userVA) throws(SystemError) {
        try self.init(devices: [devicePath], domains: .shared, mapCall: mapCall)
    }

    /// Opens `/dev/iommu`, allocates an IOAS, and binds and attaches the device cdevs at
    /// `devicePaths` through the domains `domains` asks for (`IOMMUFDAttachment`, each domain
    /// allocated with `hwptFlags`: `IOMMU_HWPT_ALLOC_DIRTY_TRACKING` for `--dirty-tracking`). With `.file`,
    /// first asks the kernel whether it has `IOMMU_IOAS_MAP_FILE` (`checkFileMap`), so an older
    /// kernel is refused before a device is bound.
    public init(devices devicePaths: [String], domains: VFIOOptions.Domains, mapCall: MapCall = .userVA,
                hwptFlags: UInt32 = 0) throws(SystemError) {
        self.mapCall = mapCall
        iommu = try VFIODeviceFile.open(
            "/dev/iommu",
            missing: "no /dev/iommu: this kernel lacks CONFIG_IOMMUFD or the module is not loaded (modprobe iommufd); "
                + "or measure with --vfio shim")
        var alloc = cpinsys_iommu_ioas_alloc(size: UInt32(MemoryLayout<cpinsys_iommu_ioas_alloc>.size), flags: 0, out_ioas_id: 0)
        try iommu.ioctl("IOMMU_IOAS_ALLOC", CPINSYS_IOMMU_IOAS_ALLOC, &alloc)
        ioasID = alloc.out_ioas_id
        do throws(SystemError) {
            if mapCall == .file { try Self.checkFileMap(on: iommu, ioasID: ioasID) }
            // Undoes its own steps on failure; the IOAS is undone here, last.
            attachment = try IOMMUFDAttachment(iommu: iommu, ioasID: ioasID, devices: devicePaths, mode: domains,
                                               hwptFlags: hwptFlags)
        } catch {
            var destroy = cpinsys_iommu_destroy(size: UInt32(MemoryLayout<cpinsys_iommu_destroy>.size), id: alloc.out_ioas_id)
            _ = try? iommu.ioctl("IOMMU_DESTROY", CPINSYS_IOMMU_DESTROY, &destroy)
            throw error
        }
        name = Self.name(devices: devicePaths, ioasID: ioasID, mapCall: mapCall, attachment: attachment)
    }

    deinit {
        // In reverse: unmap, detach and destroy the domains, then the IOAS.
        for entry in accounting.entries { try? unmap(iova: entry.iova, length: entry.length) }
        attachment.tearDown()
        var destroy = cpinsys_iommu_destroy(size: UInt32(MemoryLayout<cpinsys_iommu_destroy>.size), id: ioasID)
        _ = try? iommu.ioctl("IOMMU_DESTROY", CPINSYS_IOMMU_DESTROY, &destroy)
    }

    /// `IOMMU_IOAS_MAP` of a user address range; refused with `.file`, whose every map must go
    /// through the file, so no row mixes the two calls.
    public func map(vaddr: Int, length: Int, iova: UInt64) throws(SystemError) {
        guard mapCall == .userVA else {
            throw SystemError("\(name): a map by address", errno: EINVAL,
                              hint: "this mapper maps by file (IOMMU_IOAS_MAP_FILE): map a region of a file kind")
        }
        var request = cpinsys_iommu_ioas_map(
            size: UInt32(MemoryLayout<cpinsys_iommu_ioas_map>.size),
            flags: UInt32(CPINSYS_IOMMU_IOAS_MAP_FIXED_IOVA | CPINSYS_IOMMU_IOAS_MAP_WRITEABLE | CPINSYS_IOMMU_IOAS_MAP_READABLE),
            ioas_id: ioasID, reserved: 0, user_va: UInt64(vaddr), length: UInt64(length), iova: iova)
        try iommu.ioctl("IOMMU_IOAS_MAP of \(ByteSize(length)) at iova 0x\(String(iova, radix: 16))",
                        CPINSYS_IOMMU_IOAS_MAP, &request, hint: VFIODeviceFile.mapHint)
        accounting.mapped(IOVATable.Entry(iova: iova, length: length, vaddr: vaddr))
    }

    /// By the region's file (`IOMMU_IOAS_MAP_FILE`) with `.file`, else by address.
    public func map(_ region: Region, offset: Int, length: Int, iova: UInt64) throws(SystemError) {
        guard mapCall == .file else {
            try map(vaddr: region.address + offset, length: length, iova: iova)
            return
        }
        try mapFile(region, offset: offset, length: length, iova: iova)
        accounting.mapped(IOVATable.Entry(iova: iova, length: length, vaddr: region.address + offset))
    }

    public func unmap(iova: UInt64, length: Int) throws(SystemError) {
        var request = cpinsys_iommu_ioas_unmap(
            size: UInt32(MemoryLayout<cpinsys_iommu_ioas_unmap>.size), ioas_id: ioasID, iova: iova, length: UInt64(length))
        try iommu.ioctl("IOMMU_IOAS_UNMAP of \(ByteSize(length)) at iova 0x\(String(iova, radix: 16))",
                        CPINSYS_IOMMU_IOAS_UNMAP, &request)
        accounting.unmapped(iova: iova, length: length)
        attachment.unmapped(asked: length, answered: request.length)
    }

    public var entryCount: Int { accounting.entries.count }

    public func takeStatistics() -> DMAMapperStatistics { accounting.takeStatistics() }

    /// iommufd's default (user) accounting charges `pinned_vm` (`VmPin`), once however many
    /// domains map the pages; and what the kernel shows of the domains and the IOAS
    /// (`verifyDomains`).
    public func verifyMapped(_ region: Region, baseline: ProcStatus) -> Verification {
        verifyDomains(region).and(accounting.verifyMapped(region, baseline: baseline, counter: \.pinnedBytes, counterName: "VmPin"))
    }

    public func verifyUnmapped(_ region: Region, baseline: ProcStatus) -> Verification {
        accounting.verifyUnmapped(baseline: baseline, counter: \.pinnedBytes, counterName: "VmPin")
            .and(attachment.verifyUnmapAnswers(bytes: region.size.bytes))
    }
}
