import CPinSys
import Testing

/// The VFIO and iommufd uAPI structs and request numbers in CPinSysVFIO.h, against the
/// kernel's layouts (<linux/vfio.h>, <linux/iommufd.h>) as Swift imports them.
@Suite("VFIO uAPI layout")
struct VFIOUAPILayoutTests {
    /// `_IO(';', nr)`: no direction or size bits.
    static func io(_ nr: Int) -> Int { (0x3b << 8) | nr }

    @Test("vfio_group_status: 8 bytes")
    func groupStatus() {
        typealias T = cpinsys_vfio_group_status
        #expect(MemoryLayout<T>.size == 8)
        #expect(MemoryLayout<T>.offset(of: \T.argsz) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.flags) == 4)
    }

    @Test("vfio_iommu_type1_dma_map: 32 bytes")
    func dmaMap() {
        typealias T = cpinsys_vfio_dma_map
        #expect(MemoryLayout<T>.size == 32)
        #expect(MemoryLayout<T>.stride == 32)
        #expect(MemoryLayout<T>.offset(of: \T.argsz) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.flags) == 4)
        #expect(MemoryLayout<T>.offset(of: \T.vaddr) == 8)
        #expect(MemoryLayout<T>.offset(of: \T.iova) == 16)
        #expect(MemoryLayout<T>.offset(of: \T.size) == 24)
    }

    @Test("vfio_iommu_type1_dma_unmap: 24 bytes")
    func dmaUnmap() {
        typealias T = cpinsys_vfio_dma_unmap
        #expect(MemoryLayout<T>.size == 24)
        #expect(MemoryLayout<T>.offset(of: \T.argsz) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.flags) == 4)
        #expect(MemoryLayout<T>.offset(of: \T.iova) == 8)
        #expect(MemoryLayout<T>.offset(of: \T.size) == 16)
    }

    @Test("vfio_device_bind_iommufd: 16 bytes")
    func bindIOMMUFD() {
        typealias T = cpinsys_vfio_device_bind_iommufd
        #expect(MemoryLayout<T>.size == 16)
        #expect(MemoryLayout<T>.offset(of: \T.argsz) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.flags) == 4)
        #expect(MemoryLayout<T>.offset(of: \T.iommufd) == 8)
        #expect(MemoryLayout<T>.offset(of: \T.out_devid) == 12)
        #expect(MemoryLayout.size(ofValue: T().iommufd) == 4)
    }

    @Test("vfio_device_attach_iommufd_pt: 12 bytes")
    func attachPT() {
        typealias T = cpinsys_vfio_device_attach_iommufd_pt
        #expect(MemoryLayout<T>.size == 12)
        #expect(MemoryLayout<T>.offset(of: \T.argsz) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.flags) == 4)
        #expect(MemoryLayout<T>.offset(of: \T.pt_id) == 8)
    }

    @Test("iommu_destroy: 8 bytes")
    func destroy() {
        typealias T = cpinsys_iommu_destroy
        #expect(MemoryLayout<T>.size == 8)
        #expect(MemoryLayout<T>.offset(of: \T.size) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.id) == 4)
    }

    @Test("iommu_ioas_alloc: 12 bytes")
    func ioasAlloc() {
        typealias T = cpinsys_iommu_ioas_alloc
        #expect(MemoryLayout<T>.size == 12)
        #expect(MemoryLayout<T>.offset(of: \T.size) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.flags) == 4)
        #expect(MemoryLayout<T>.offset(of: \T.out_ioas_id) == 8)
    }

    @Test("iommu_ioas_map: 40 bytes")
    func ioasMap() {
        typealias T = cpinsys_iommu_ioas_map
        #expect(MemoryLayout<T>.size == 40)
        #expect(MemoryLayout<T>.alignment == 8)
        #expect(MemoryLayout<T>.offset(of: \T.size) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.flags) == 4)
        #expect(MemoryLayout<T>.offset(of: \T.ioas_id) == 8)
        #expect(MemoryLayout<T>.offset(of: \T.reserved) == 12)
        #expect(MemoryLayout<T>.offset(of: \T.user_va) == 16)
        #expect(MemoryLayout<T>.offset(of: \T.length) == 24)
        #expect(MemoryLayout<T>.offset(of: \T.iova) == 32)
    }

    @Test("iommu_ioas_map_file: 40 bytes, as Linux 6.13's <linux/iommufd.h>")
    func ioasMapFile() {
        typealias T = cpinsys_iommu_ioas_map_file
        #expect(MemoryLayout<T>.size == 40)
        #expect(MemoryLayout<T>.alignment == 8)
        #expect(MemoryLayout<T>.offset(of: \T.size) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.flags) == 4)
        #expect(MemoryLayout<T>.offset(of: \T.ioas_id) == 8)
        #expect(MemoryLayout<T>.offset(of: \T.fd) == 12)
        #expect(MemoryLayout<T>.offset(of: \T.start) == 16)
        #expect(MemoryLayout<T>.offset(of: \T.length) == 24)
        #expect(MemoryLayout<T>.offset(of: \T.iova) == 32)
        // __s32 fd: a descriptor, signed.
        #expect(T(size: 0, flags: 0, ioas_id: 0, fd: -1, start: 0, length: 0, iova: 0).fd == -1)
    }

    @Test("iommu_ioas_unmap: 24 bytes")
    func ioasUnmap() {
        typealias T = cpinsys_iommu_ioas_unmap
        #expect(MemoryLayout<T>.size == 24)
        #expect(MemoryLayout<T>.alignment == 8)
        #expect(MemoryLayout<T>.offset(of: \T.size) == 0)
        #expect(MemoryLayout<T>.offset(of: \T.ioas_id) == 4)
        #expect(MemoryLayout<T>.offset(of: \T.iova) == 8)
        #expect(MemoryLayout<T>.offset(of: \T.length) == 16)
    }

    @Test("VFIO request numbers are _IO(';', 100 + n)")
    func vfioRequests() {
        #expect(Int(CPINSYS_VFIO_GET_API_VERSION) == Self.io(100))
        #expect(Int(CPINSYS_VFIO_CHECK_EXTENSION) == Self.io(101))
        #expect(Int(CPINSYS_VFIO_SET_IOMMU) == Self.io(102))
        #expect(Int(CPINSYS_VFIO_GROUP_GET_STATUS) == Self.io(103))
        #expect(Int(CPINSYS_VFIO_GROUP_SET_CONTAINER) == Self.io(104))
        #expect(Int(CPINSYS_VFIO_GROUP_UNSET_CONTAINER) == Self.io(105))
        #expect(Int(CPINSYS_VFIO_IOMMU_MAP_DMA) == Self.io(113))
        #expect(Int(CPINSYS_VFIO_IOMMU_UNMAP_DMA) == Self.io(114))
        #expect(Int(CPINSYS_VFIO_DEVICE_BIND_IOMMUFD) == Self.io(118))
        #expect(Int(CPINSYS_VFIO_DEVICE_ATTACH_IOMMUFD_PT) == Self.io(119))
        // Spelled out once, so a wrong helper cannot hide a wrong number.
        #expect(Int(CPINSYS_VFIO_GET_API_VERSION) == 0x3B64)
        #expect(Int(CPINSYS_VFIO_IOMMU_MAP_DMA) == 0x3B71)
        #expect(Int(CPINSYS_VFIO_DEVICE_ATTACH_IOMMUFD_PT) == 0x3B77)
    }

    @Test("iommufd request numbers are _IO(';', 0x80 + n)")
    func iommufdRequests() {
        #expect(Int(CPINSYS_IOMMU_DESTROY) == Self.io(0x80))
        #expect(Int(CPINSYS_IOMMU_IOAS_ALLOC) == Self.io(0x81))
        #expect(Int(CPINSYS_IOMMU_IOAS_MAP) == Self.io(0x85))
        #expect(Int(CPINSYS_IOMMU_IOAS_UNMAP) == Self.io(0x86))
        #expect(Int(CPINSYS_IOMMU_IOAS_MAP_FILE) == Self.io(0x8f))
        #expect(Int(CPINSYS_IOMMU_IOAS_MAP) == 0x3B85)
        #expect(Int(CPINSYS_IOMMU_IOAS_MAP_FILE) == 0x3B8F)
    }

    @Test("vfio_device_detach_iommufd_pt: 8 bytes; iommu_ioas_copy: 40 bytes; their request numbers")
    func domainsUAPI() {
        typealias D = cpinsys_vfio_device_detach_iommufd_pt
        #expect(MemoryLayout<D>.size == 8)
        #expect(MemoryLayout<D>.offset(of: \D.flags) == 4)
        typealias C = cpinsys_iommu_ioas_copy
        #expect(MemoryLayout<C>.size == 40)
        #expect(MemoryLayout<C>.offset(of: \C.flags) == 4)
        #expect(MemoryLayout<C>.offset(of: \C.dst_ioas_id) == 8)
        #expect(MemoryLayout<C>.offset(of: \C.src_ioas_id) == 12)
        #expect(MemoryLayout<C>.offset(of: \C.length) == 16)
        #expect(MemoryLayout<C>.offset(of: \C.dst_iova) == 24)
        #expect(MemoryLayout<C>.offset(of: \C.src_iova) == 32)
        #expect(Int(CPINSYS_VFIO_DEVICE_DETACH_IOMMUFD_PT) == Self.io(120))
        #expect(Int(CPINSYS_VFIO_DEVICE_DETACH_IOMMUFD_PT) == 0x3B78)
        #expect(Int(CPINSYS_IOMMU_IOAS_COPY) == Self.io(0x83))
    }

    @Test("uAPI constants")
    func constants() {
        #expect(Int(CPINSYS_VFIO_API_VERSION) == 0)
        #expect(Int(CPINSYS_VFIO_TYPE1v2_IOMMU) == 3)
        #expect(Int(CPINSYS_VFIO_GROUP_FLAGS_VIABLE) == 1)
        #expect(Int(CPINSYS_VFIO_DMA_MAP_FLAG_READ) == 1)
        #expect(Int(CPINSYS_VFIO_DMA_MAP_FLAG_WRITE) == 2)
        #expect(Int(CPINSYS_IOMMU_IOAS_MAP_FIXED_IOVA) == 1)
        #expect(Int(CPINSYS_IOMMU_IOAS_MAP_WRITEABLE) == 2)
        #expect(Int(CPINSYS_IOMMU_IOAS_MAP_READABLE) == 4)
    }
}
