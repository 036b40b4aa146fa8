#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

/// An iommufd IOAS whose one device is iommufd's selftest mock (`CONFIG_IOMMUFD_TEST`,
/// `IOMMU_TEST_OP_MOCK_DOMAIN`), moved onto a HWPT allocated with
/// `IOMMU_HWPT_ALLOC_DIRTY_TRACKING` (`IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE`). Maps with
/// `IOMMU_IOAS_MAP` as the real iommufd mapper does (pins charged to `pinned_vm`), inside the
/// mock's aperture (16 MiB up to 2 GiB), and needs no VFIO device.
///
/// Its figures are the mock's: its page table is an xarray of 2 KiB entries (6.12) or the
/// generic page table code's AMDv1 format with a 2 KiB granule (7.2), so a bitmap read times
/// the kernel's walk and copy-out, never an IOMMU's.
public final class MockDomainDMAMapper: DMAMapper, @unchecked Sendable {
    public let name: String
    public var entryLimit: Int { Int.max }
    public var containerLock: VFIOOptions.ContainerLock { .iommufd }
    public var iovaBase: UInt64 { UInt64(CPINSYS_MOCK_APERTURE_START) }
    /// The bytes the aperture holds from `iovaBase`.
    public static let apertureBytes = Int(CPINSYS_MOCK_APERTURE_LAST) + 1 - Int(CPINSYS_MOCK_APERTURE_START)

    let iommu: FileDescriptor
    let ioasID: UInt32
    let mockDeviceID: UInt32
    public let hwptID: UInt32
    /// Which mock page table the HWPT has: 7.x's AMDv1 with 4K and 1M leaves, or the
    /// kernel's default (6.12: an xarray of 2K entries).
    public let pageTable: String
    private let accounting = RealMapperAccounting(entryLimit: Int.max)

    /// Opens `/dev/iommu`, allocates an IOAS, makes a mock device in it, allocates a
    /// dirty-tracking HWPT for that device and moves the device onto it.
    public init() throws(SystemError) {
        iommu = try VFIODeviceFile.open(
            "/dev/iommu", missing: "no /dev/iommu: this kernel lacks CONFIG_IOMMUFD or the module is not loaded (modprobe iommufd)")
        var alloc = cpinsys_iommu_ioas_alloc(size: UInt32(MemoryLayout<cpinsys_iommu_ioas_alloc>.size), flags: 0, out_ioas_id: 0)
        try iommu.ioctl("IOMMU_IOAS_ALLOC", CPINSYS_IOMMU_IOAS_ALLOC, &alloc)
        ioasID = alloc.out_ioas_id
        var mock = cpinsys_iommu_test_cmd()
        mock.size = UInt32(MemoryLayout<cpinsys_iommu_test_cmd>.size)
        mock.op = UInt32(CPINSYS_IOMMU_TEST_OP_MOCK_DOMAIN)
        mock.id = ioasID
        try iommu.ioctl("IOMMU_TEST_CMD(IOMMU_TEST_OP_MOCK_DOMAIN)", CPINSYS_IOMMU_TEST_CMD, &mock) { error in
            switch error {
            case ENOTTY:
                return "this kernel has no iommufd selftest mock domain (CONFIG_IOMMUFD_TEST, which needs DEBUG_KERNEL, "
                    + "FAULT_INJECTION and RUNTIME_TESTING_MENU)"
            case EINVAL, ENODEV:
                // A device with no firmware node is probed by the first IOMMU registered without
                // one: on x86 the hardware IOMMU's driver, which refuses the mock's device.
                return "the mock device got no IOMMU: on x86 a hardware IOMMU driver (intel_iommu, amd_iommu) is asked first "
                    + "for every device without a firmware node and refuses the mock's; boot with intel_iommu=off "
                    + "(amd_iommu=off) to measure the mock domain"
            default:
                return nil
            }
        }
        mockDeviceID = mock.mock_domain.out_stdev_id
        // 7.x: the AMDv1 mock with 4K and 1M leaves only. Its default maps every power-of-two
        // leaf with runs of contiguous entries, and IOMMU_TEST_OP_DIRTY then loses marks (the lab
        // found marked 2M units read clean). 6.12 takes no data here: its xarray of 2K entries.
        var selftest = cpinsys_iommu_hwpt_selftest(iotlb: 0, pagetable_type: UInt32(CPINSYS_MOCK_IOMMUPT_HUGE))
        var hwpt = cpinsys_iommu_hwpt_alloc()
        let file = iommu
        let (deviceID, ioas) = (mock.mock_domain.out_idev_id, ioasID)
        let huge = withUnsafeMutablePointer(to: &selftest) { data -> cpinsys_iommu_hwpt_alloc? in
            var request = cpinsys_iommu_hwpt_alloc()
            request.size = UInt32(MemoryLayout<cpinsys_iommu_hwpt_alloc>.size)
            request.flags = UInt32(CPINSYS_IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
            request.dev_id = deviceID
            request.pt_id = ioas
            request.data_type = UInt32(CPINSYS_IOMMU_HWPT_DATA_SELFTEST)
            request.data_len = UInt32(MemoryLayout<cpinsys_iommu_hwpt_selftest>.size)
            request.data_uptr = UInt64(UInt(bitPattern: data))
            return (try? file.ioctl("IOMMU_HWPT_ALLOC(DIRTY_TRACKING, MOCK_IOMMUPT_HUGE)", CPINSYS_IOMMU_HWPT_ALLOC, &request)) != nil
                ? request : nil
        }
        if let huge {
            hwptID = huge.out_hwpt_id
            pageTable = "AMDv1, 4K and 1M leaves"
        } else {
            hwpt.size = UInt32(MemoryLayout<cpinsys_iommu_hwpt_alloc>.size)
            hwpt.flags = UInt32(CPINSYS_IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
            hwpt.dev_id = mock.mock_domain.out_idev_id
            hwpt.pt_id = ioasID
            try iommu.ioctl("IOMMU_HWPT_ALLOC(DIRTY_TRACKING) for the mock device", CPINSYS_IOMMU_HWPT_ALLOC, &hwpt)
            hwptID = hwpt.out_hwpt_id
            pageTable = "default page table"
        }
        var replace = cpinsys_iommu_test_cmd()
        replace.size = UInt32(MemoryLayout<cpinsys_iommu_test_cmd>.size)
        replace.op = UInt32(CPINSYS_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE)
        replace.id = mockDeviceID
        replace.mock_domain_replace.pt_id = hwptID
        try iommu.ioctl("IOMMU_TEST_CMD(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE)", CPINSYS_IOMMU_TEST_CMD, &replace)
        name = "iommufd-mock (IOMMUFD_TEST mock domain, IOAS \(ioasID), HWPT \(hwptID), \(pageTable); not hardware)"
    }

    deinit {
        // Unmap what a failed run left (the pins outlive munmap), then the mock device, its
        // HWPT and the IOAS, in that order (each holds the next).
        for entry in accounting.entries { try? unmap(iova: entry.iova, length: entry.length) }
        for id in [mockDeviceID, hwptID, ioasID] {
            var destroy = cpinsys_iommu_destroy(size: UInt32(MemoryLayout<cpinsys_iommu_destroy>.size), id: id)
            _ = try? iommu.ioctl("IOMMU_DESTROY", CPINSYS_IOMMU_DESTROY, &destroy)
        }
    }

    /// The tracker of this HWPT, which marks its known pattern with `IOMMU_TEST_OP_DIRTY`.
    public func makeDirtyTracker() -> IOMMUFDDirtyTracker {
        let iommu = self.iommu
        return IOMMUFDDirtyTracker(iommu: iommu, hwptID: hwptID, name: "iommufd-mock IOMMU_HWPT_GET_DIRTY_BITMAP (MOCK domain, not hardware)") {
            (hwptID: UInt32, iova: UInt64, marks: inout DirtyBitmap, granule: Int) throws(SystemError) -> Int in
            let pages = marks.pages
            return try marks.withAddress { (address: UInt64) throws(SystemError) -> Int in
                var command = cpinsys_iommu_test_cmd()
                command.size = UInt32(MemoryLayout<cpinsys_iommu_test_cmd>.size)
                command.op = UInt32(CPINSYS_IOMMU_TEST_OP_DIRTY)
                command.id = hwptID
                command.dirty.iova = iova
                command.dirty.length = UInt64(pages * granule)
                command.dirty.page_size = UInt64(granule)
                command.dirty.uptr = address
                try iommu.ioctl("IOMMU_TEST_CMD(IOMMU_TEST_OP_DIRTY) of \(ByteSize(pages * granule))", CPINSYS_IOMMU_TEST_CMD, &command)
                // The count the kernel says it marked, range-checked before use.
                return command.dirty.out_nr_dirty <= UInt64(pages) ? Int(command.dirty.out_nr_dirty) : -1
            }
        }
    }

    public func map(vaddr: Int, length: Int, iova: UInt64) throws(SystemError) {
        var request = cpinsys_iommu_ioas_map(
            size: UInt32(MemoryLayout<cpinsys_iommu_ioas_map>.size),
            flags: UInt32(CPINSYS_IOMMU_IOAS_MAP_FIXED_IOVA | CPINSYS_IOMMU_IOAS_MAP_WRITEABLE | CPINSYS_IOMMU_IOAS_MAP_READABLE),
            ioas_id: ioasID, reserved: 0, user_va: UInt64(vaddr), length: UInt64(length), iova: iova)
        try iommu.ioctl("IOMMU_IOAS_MAP of \(ByteSize(length)) at iova 0x\(String(iova, radix: 16)) (mock domain)",
                        CPINSYS_IOMMU_IOAS_MAP, &request, hint: VFIODeviceFile.mapHint)
        accounting.mapped(IOVATable.Entry(iova: iova, length: length, vaddr: vaddr))
    }

    public func unmap(iova: UInt64, length: Int) throws(SystemError) {
        var request = cpinsys_iommu_ioas_unmap(
            size: UInt32(MemoryLayout<cpinsys_iommu_ioas_unmap>.size), ioas_id: ioasID, iova: iova, length: UInt64(length))
        try iommu.ioctl("IOMMU_IOAS_UNMAP of \(ByteSize(length)) at iova 0x\(String(iova, radix: 16)) (mock domain)",
                        CPINSYS_IOMMU_IOAS_UNMAP, &request)
        accounting.unmapped(iova: iova, length: length)
    }

    public var entryCount: Int { accounting.entries.count }

    public func takeStatistics() -> DMAMapperStatistics { accounting.takeStatistics() }

    /// The mock's IOAS pins as any iommufd IOAS does, charging `pinned_vm` (`VmPin`).
    public func verifyMapped(_ region: Region, baseline: ProcStatus) -> Verification {
        accounting.verifyMapped(region, baseline: baseline, counter: \.pinnedBytes, counterName: "VmPin")
    }

    public func verifyUnmapped(_ region: Region, baseline: ProcStatus) -> Verification {
        accounting.verifyUnmapped(baseline: baseline, counter: \.pinnedBytes, counterName: "VmPin")
    }
}
