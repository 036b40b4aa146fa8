// CPinSysVFIO: the VFIO type1 and iommufd uAPI that PinBench uses, defined here with a
// cpinsys_ prefix because distribution headers lag the kernel (Debian 12 ships no
// <linux/iommufd.h> and no VFIO cdev ioctls). Layouts are the kernel's, checked by
// _Static_assert below and by Swift tests; ioctl numbers are _IO(';', nr) as in the uAPI.
#ifndef CPINSYS_VFIO_H
#define CPINSYS_VFIO_H

#include <stddef.h>
#include <stdint.h>

// MARK: - VFIO container and group (<linux/vfio.h>)

#define CPINSYS_VFIO_TYPE 0x3b /* ';' */
#define CPINSYS_VFIO_BASE 100
#define CPINSYS_VFIO_IO(nr) ((unsigned long)((CPINSYS_VFIO_TYPE << 8) | (nr)))

enum {
    CPINSYS_VFIO_API_VERSION = 0,
    CPINSYS_VFIO_TYPE1v2_IOMMU = 3,
    CPINSYS_VFIO_GROUP_FLAGS_VIABLE = 1 << 0,
    CPINSYS_VFIO_DMA_MAP_FLAG_READ = 1 << 0,
    CPINSYS_VFIO_DMA_MAP_FLAG_WRITE = 1 << 1,
};

// Request numbers (an enum so that Swift imports them as constants).
enum {
    CPINSYS_VFIO_GET_API_VERSION = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 0),
    CPINSYS_VFIO_CHECK_EXTENSION = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 1),
    CPINSYS_VFIO_SET_IOMMU = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 2),
    CPINSYS_VFIO_GROUP_GET_STATUS = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 3),
    CPINSYS_VFIO_GROUP_SET_CONTAINER = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 4),
    CPINSYS_VFIO_GROUP_UNSET_CONTAINER = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 5),
    CPINSYS_VFIO_IOMMU_GET_INFO = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 12),
    CPINSYS_VFIO_IOMMU_MAP_DMA = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 13),
    CPINSYS_VFIO_IOMMU_UNMAP_DMA = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 14),
    CPINSYS_VFIO_IOMMU_DIRTY_PAGES = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 17),
    CPINSYS_VFIO_DEVICE_BIND_IOMMUFD = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 18),
    CPINSYS_VFIO_DEVICE_ATTACH_IOMMUFD_PT = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 19),
};

/// `struct vfio_group_status`.
typedef struct cpinsys_vfio_group_status {
    uint32_t argsz;
    uint32_t flags;
} cpinsys_vfio_group_status;

/// `struct vfio_iommu_type1_dma_map`.
typedef struct cpinsys_vfio_dma_map {
    uint32_t argsz;
    uint32_t flags;
    uint64_t vaddr;
    uint64_t iova;
    uint64_t size;
} cpinsys_vfio_dma_map;

/// `struct vfio_iommu_type1_dma_unmap` without its trailing flexible `data[]`.
typedef struct cpinsys_vfio_dma_unmap {
    uint32_t argsz;
    uint32_t flags;
    uint64_t iova;
    uint64_t size;
} cpinsys_vfio_dma_unmap;

// MARK: - type1 dirty page tracking (<linux/vfio.h>, Linux 5.8)

enum {
    CPINSYS_VFIO_IOMMU_INFO_PGSIZES = 1 << 0,
    CPINSYS_VFIO_IOMMU_INFO_CAPS = 1 << 1,
    CPINSYS_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION = 2,
    CPINSYS_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP = 1 << 0,
    CPINSYS_VFIO_IOMMU_DIRTY_PAGES_FLAG_START = 1 << 0,
    CPINSYS_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP = 1 << 1,
    CPINSYS_VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP = 1 << 2,
};

/// `struct vfio_iommu_type1_info` (VFIO_IOMMU_GET_INFO); capabilities follow it in the same
/// buffer from `cap_offset`, each a `cpinsys_vfio_info_cap_header` linked by `next`.
typedef struct cpinsys_vfio_iommu_type1_info {
    uint32_t argsz;
    uint32_t flags;
    uint64_t iova_pgsizes __attribute__((aligned(8)));
    uint32_t cap_offset;
    uint32_t pad;
} cpinsys_vfio_iommu_type1_info;

/// `struct vfio_info_cap_header`.
typedef struct cpinsys_vfio_info_cap_header {
    uint16_t id;
    uint16_t version;
    uint32_t next;
} cpinsys_vfio_info_cap_header;

/// `struct vfio_iommu_type1_info_cap_migration`: its presence says the container logs dirty pages.
typedef struct cpinsys_vfio_iommu_type1_info_cap_migration {
    cpinsys_vfio_info_cap_header header;
    uint32_t flags;
    uint64_t pgsize_bitmap;
    uint64_t max_dirty_bitmap_size;
} cpinsys_vfio_iommu_type1_info_cap_migration;

/// `struct vfio_bitmap`: one bit per `pgsize` bytes of IOVA, `size` bytes at `data`.
typedef struct cpinsys_vfio_bitmap {
    uint64_t pgsize;
    uint64_t size;
    uint64_t data;
} cpinsys_vfio_bitmap;

/// `struct vfio_iommu_type1_dma_unmap` followed by its `data[]` as a `vfio_bitmap`
/// (VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP: the migration's last pass).
typedef struct cpinsys_vfio_dma_unmap_bitmap {
    uint32_t argsz;
    uint32_t flags;
    uint64_t iova;
    uint64_t size;
    cpinsys_vfio_bitmap bitmap;
} cpinsys_vfio_dma_unmap_bitmap;

/// `struct vfio_iommu_type1_dirty_bitmap` followed by its `data[]` as a
/// `struct vfio_iommu_type1_dirty_bitmap_get` (only read with FLAG_GET_BITMAP; START and
/// STOP pass `argsz` of the first eight bytes).
typedef struct cpinsys_vfio_dirty_bitmap_get {
    uint32_t argsz;
    uint32_t flags;
    uint64_t iova;
    uint64_t size;
    cpinsys_vfio_bitmap bitmap;
} cpinsys_vfio_dirty_bitmap_get;

/// `struct vfio_device_bind_iommufd` as of Linux 6.6 (later kernels accept this size).
typedef struct cpinsys_vfio_device_bind_iommufd {
    uint32_t argsz;
    uint32_t flags;
    int32_t iommufd;
    uint32_t out_devid;
} cpinsys_vfio_device_bind_iommufd;

/// `struct vfio_device_attach_iommufd_pt` as of Linux 6.6 (no pasid; later kernels accept it).
typedef struct cpinsys_vfio_device_attach_iommufd_pt {
    uint32_t argsz;
    uint32_t flags;
    uint32_t pt_id;
} cpinsys_vfio_device_attach_iommufd_pt;

// MARK: - iommufd (<linux/iommufd.h>)

enum {
    CPINSYS_IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
    CPINSYS_IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
    CPINSYS_IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

enum {
    CPINSYS_IOMMU_DESTROY = (CPINSYS_VFIO_TYPE << 8) | 0x80,
    CPINSYS_IOMMU_IOAS_ALLOC = (CPINSYS_VFIO_TYPE << 8) | 0x81,
    CPINSYS_IOMMU_IOAS_MAP = (CPINSYS_VFIO_TYPE << 8) | 0x85,
    CPINSYS_IOMMU_IOAS_UNMAP = (CPINSYS_VFIO_TYPE << 8) | 0x86,
    CPINSYS_IOMMU_GET_HW_INFO = (CPINSYS_VFIO_TYPE << 8) | 0x8a,
    CPINSYS_IOMMU_HWPT_ALLOC = (CPINSYS_VFIO_TYPE << 8) | 0x89,
    CPINSYS_IOMMU_HWPT_SET_DIRTY_TRACKING = (CPINSYS_VFIO_TYPE << 8) | 0x8b,
    CPINSYS_IOMMU_HWPT_GET_DIRTY_BITMAP = (CPINSYS_VFIO_TYPE << 8) | 0x8c,
    // Linux 6.13+; older kernels answer ENOTTY (the number is past their command table).
    CPINSYS_IOMMU_IOAS_MAP_FILE = (CPINSYS_VFIO_TYPE << 8) | 0x8f,
};

/// `struct iommu_destroy`.
typedef struct cpinsys_iommu_destroy {
    uint32_t size;
    uint32_t id;
} cpinsys_iommu_destroy;

/// `struct iommu_ioas_alloc`.
typedef struct cpinsys_iommu_ioas_alloc {
    uint32_t size;
    uint32_t flags;
    uint32_t out_ioas_id;
} cpinsys_iommu_ioas_alloc;

/// `struct iommu_ioas_map`.
typedef struct cpinsys_iommu_ioas_map {
    uint32_t size;
    uint32_t flags;
    uint32_t ioas_id;
    uint32_t reserved;
    uint64_t user_va __attribute__((aligned(8)));
    uint64_t length __attribute__((aligned(8)));
    uint64_t iova __attribute__((aligned(8)));
} cpinsys_iommu_ioas_map;

/// `struct iommu_ioas_map_file` (Linux 6.13): `length` bytes of the memfd or hugetlbfs file
/// `fd` from byte `start`, pinned through `memfd_pin_folios` (no page-table walk).
typedef struct cpinsys_iommu_ioas_map_file {
    uint32_t size;
    uint32_t flags;
    uint32_t ioas_id;
    int32_t fd;
    uint64_t start __attribute__((aligned(8)));
    uint64_t length __attribute__((aligned(8)));
    uint64_t iova __attribute__((aligned(8)));
} cpinsys_iommu_ioas_map_file;

/// `IOMMU_HWPT_ALLOC` flags.
enum {
    CPINSYS_IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
    CPINSYS_IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
};

/// `struct iommu_hwpt_alloc` as of Linux 6.7 (no fault_id; later kernels accept this size):
/// a paging domain of its own for `dev_id` over the IOAS `pt_id`, instead of the one iommufd
/// finds or makes when a device is attached to the IOAS itself.
typedef struct cpinsys_iommu_hwpt_alloc {
    uint32_t size;
    uint32_t flags;
    uint32_t dev_id;
    uint32_t pt_id;
    uint32_t out_hwpt_id;
    uint32_t reserved;
    uint32_t data_type;
    uint32_t data_len;
    uint64_t data_uptr __attribute__((aligned(8)));
} cpinsys_iommu_hwpt_alloc;

// MARK: - iommufd dirty tracking (Linux 6.7)

enum {
    CPINSYS_IOMMU_HW_CAP_DIRTY_TRACKING = 1 << 0,
    CPINSYS_IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1,
    CPINSYS_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1,
};

/// `struct iommu_hw_info` as of Linux 6.7 (7.x splits the u32 after `out_data_type` into
/// `out_max_pasid_log2` and reserved bytes; the layout is the same).
typedef struct cpinsys_iommu_hw_info {
    uint32_t size;
    uint32_t flags;
    uint32_t dev_id;
    uint32_t data_len;
    uint64_t data_uptr __attribute__((aligned(8)));
    uint32_t out_data_type;
    uint32_t reserved;
    uint64_t out_capabilities __attribute__((aligned(8)));
} cpinsys_iommu_hw_info;

/// `struct iommu_hwpt_set_dirty_tracking`.
typedef struct cpinsys_iommu_hwpt_set_dirty_tracking {
    uint32_t size;
    uint32_t flags;
    uint32_t hwpt_id;
    uint32_t reserved;
} cpinsys_iommu_hwpt_set_dirty_tracking;

/// `struct iommu_hwpt_get_dirty_bitmap`: one bit per `page_size` bytes of IOVA at `data`.
typedef struct cpinsys_iommu_hwpt_get_dirty_bitmap {
    uint32_t size;
    uint32_t hwpt_id;
    uint32_t flags;
    uint32_t reserved;
    uint64_t iova __attribute__((aligned(8)));
    uint64_t length __attribute__((aligned(8)));
    uint64_t page_size __attribute__((aligned(8)));
    uint64_t data __attribute__((aligned(8)));
} cpinsys_iommu_hwpt_get_dirty_bitmap;

/// `struct iommu_ioas_unmap`.
typedef struct cpinsys_iommu_ioas_unmap {
    uint32_t size;
    uint32_t ioas_id;
    uint64_t iova __attribute__((aligned(8)));
    uint64_t length __attribute__((aligned(8)));
} cpinsys_iommu_ioas_unmap;

// MARK: - Layout checks against the kernel's uAPI

_Static_assert(sizeof(cpinsys_vfio_group_status) == 8, "vfio_group_status");
_Static_assert(sizeof(cpinsys_vfio_dma_map) == 32, "vfio_iommu_type1_dma_map");
_Static_assert(offsetof(cpinsys_vfio_dma_map, vaddr) == 8, "dma_map.vaddr");
_Static_assert(offsetof(cpinsys_vfio_dma_map, iova) == 16, "dma_map.iova");
_Static_assert(offsetof(cpinsys_vfio_dma_map, size) == 24, "dma_map.size");
_Static_assert(sizeof(cpinsys_vfio_dma_unmap) == 24, "vfio_iommu_type1_dma_unmap");
_Static_assert(offsetof(cpinsys_vfio_dma_unmap, iova) == 8, "dma_unmap.iova");
_Static_assert(offsetof(cpinsys_vfio_dma_unmap, size) == 16, "dma_unmap.size");
_Static_assert(sizeof(cpinsys_vfio_device_bind_iommufd) == 16, "vfio_device_bind_iommufd");
_Static_assert(offsetof(cpinsys_vfio_device_bind_iommufd, iommufd) == 8, "bind.iommufd");
_Static_assert(offsetof(cpinsys_vfio_device_bind_iommufd, out_devid) == 12, "bind.out_devid");
_Static_assert(sizeof(cpinsys_vfio_device_attach_iommufd_pt) == 12, "vfio_device_attach_iommufd_pt");
_Static_assert(offsetof(cpinsys_vfio_device_attach_iommufd_pt, pt_id) == 8, "attach.pt_id");
_Static_assert(sizeof(cpinsys_iommu_destroy) == 8, "iommu_destroy");
_Static_assert(sizeof(cpinsys_iommu_ioas_alloc) == 12, "iommu_ioas_alloc");
_Static_assert(offsetof(cpinsys_iommu_ioas_alloc, out_ioas_id) == 8, "ioas_alloc.out_ioas_id");
_Static_assert(sizeof(cpinsys_iommu_ioas_map) == 40, "iommu_ioas_map");
_Static_assert(sizeof(cpinsys_iommu_hwpt_alloc) == 40, "iommu_hwpt_alloc");
_Static_assert(offsetof(cpinsys_iommu_hwpt_alloc, out_hwpt_id) == 16, "hwpt_alloc.out_hwpt_id");
_Static_assert(offsetof(cpinsys_iommu_hwpt_alloc, data_uptr) == 32, "hwpt_alloc.data_uptr");
_Static_assert(offsetof(cpinsys_iommu_ioas_map, ioas_id) == 8, "ioas_map.ioas_id");
_Static_assert(offsetof(cpinsys_iommu_ioas_map, user_va) == 16, "ioas_map.user_va");
_Static_assert(offsetof(cpinsys_iommu_ioas_map, length) == 24, "ioas_map.length");
_Static_assert(offsetof(cpinsys_iommu_ioas_map, iova) == 32, "ioas_map.iova");
_Static_assert(sizeof(cpinsys_iommu_ioas_map_file) == 40, "iommu_ioas_map_file");
_Static_assert(offsetof(cpinsys_iommu_ioas_map_file, ioas_id) == 8, "ioas_map_file.ioas_id");
_Static_assert(offsetof(cpinsys_iommu_ioas_map_file, fd) == 12, "ioas_map_file.fd");
_Static_assert(offsetof(cpinsys_iommu_ioas_map_file, start) == 16, "ioas_map_file.start");
_Static_assert(offsetof(cpinsys_iommu_ioas_map_file, length) == 24, "ioas_map_file.length");
_Static_assert(offsetof(cpinsys_iommu_ioas_map_file, iova) == 32, "ioas_map_file.iova");
_Static_assert(sizeof(cpinsys_iommu_ioas_unmap) == 24, "iommu_ioas_unmap");
_Static_assert(sizeof(cpinsys_vfio_iommu_type1_info) == 24, "vfio_iommu_type1_info");
_Static_assert(offsetof(cpinsys_vfio_iommu_type1_info, iova_pgsizes) == 8, "type1_info.iova_pgsizes");
_Static_assert(offsetof(cpinsys_vfio_iommu_type1_info, cap_offset) == 16, "type1_info.cap_offset");
_Static_assert(sizeof(cpinsys_vfio_info_cap_header) == 8, "vfio_info_cap_header");
_Static_assert(sizeof(cpinsys_vfio_iommu_type1_info_cap_migration) == 32, "cap_migration");
_Static_assert(offsetof(cpinsys_vfio_iommu_type1_info_cap_migration, pgsize_bitmap) == 16, "cap_migration.pgsize_bitmap");
_Static_assert(offsetof(cpinsys_vfio_iommu_type1_info_cap_migration, max_dirty_bitmap_size) == 24, "cap_migration.max");
_Static_assert(sizeof(cpinsys_vfio_bitmap) == 24, "vfio_bitmap");
_Static_assert(sizeof(cpinsys_vfio_dma_unmap_bitmap) == 48, "dma_unmap + vfio_bitmap");
_Static_assert(offsetof(cpinsys_vfio_dma_unmap_bitmap, bitmap) == 24, "dma_unmap.data");
_Static_assert(sizeof(cpinsys_vfio_dirty_bitmap_get) == 48, "dirty_bitmap + dirty_bitmap_get");
_Static_assert(offsetof(cpinsys_vfio_dirty_bitmap_get, iova) == 8, "dirty_bitmap.data");
_Static_assert(offsetof(cpinsys_vfio_dirty_bitmap_get, bitmap) == 24, "dirty_bitmap_get.bitmap");
_Static_assert(sizeof(cpinsys_iommu_hw_info) == 40, "iommu_hw_info");
_Static_assert(offsetof(cpinsys_iommu_hw_info, out_capabilities) == 32, "hw_info.out_capabilities");
_Static_assert(sizeof(cpinsys_iommu_hwpt_set_dirty_tracking) == 16, "iommu_hwpt_set_dirty_tracking");
_Static_assert(sizeof(cpinsys_iommu_hwpt_get_dirty_bitmap) == 48, "iommu_hwpt_get_dirty_bitmap");
_Static_assert(offsetof(cpinsys_iommu_hwpt_get_dirty_bitmap, iova) == 16, "get_dirty_bitmap.iova");
_Static_assert(offsetof(cpinsys_iommu_hwpt_get_dirty_bitmap, data) == 40, "get_dirty_bitmap.data");
_Static_assert(offsetof(cpinsys_iommu_ioas_unmap, iova) == 8, "ioas_unmap.iova");
_Static_assert(offsetof(cpinsys_iommu_ioas_unmap, length) == 16, "ioas_unmap.length");

// MARK: - Several devices on one IOAS (a domain each, or one shared)

enum {
    CPINSYS_VFIO_DEVICE_DETACH_IOMMUFD_PT = (CPINSYS_VFIO_TYPE << 8) | (CPINSYS_VFIO_BASE + 20),
    CPINSYS_IOMMU_IOAS_COPY = (CPINSYS_VFIO_TYPE << 8) | 0x83,
};

/// `struct vfio_device_detach_iommufd_pt` as of Linux 6.6 (no pasid; later kernels accept it):
/// the device leaves its HWPT and blocks DMA, so the HWPT can be destroyed.
typedef struct cpinsys_vfio_device_detach_iommufd_pt {
    uint32_t argsz;
    uint32_t flags;
} cpinsys_vfio_device_detach_iommufd_pt;

/// `struct iommu_ioas_copy`: maps `length` bytes that the IOAS `src_ioas_id` holds at `src_iova`
/// into `dst_ioas_id` at `dst_iova`, sharing the pinned pages (nothing is pinned again). It
/// succeeds only where the source holds whole mappings over the range: the IOAS's own view.
typedef struct cpinsys_iommu_ioas_copy {
    uint32_t size;
    uint32_t flags;
    uint32_t dst_ioas_id;
    uint32_t src_ioas_id;
    uint64_t length __attribute__((aligned(8)));
    uint64_t dst_iova __attribute__((aligned(8)));
    uint64_t src_iova __attribute__((aligned(8)));
} cpinsys_iommu_ioas_copy;

_Static_assert(sizeof(cpinsys_vfio_device_detach_iommufd_pt) == 8, "vfio_device_detach_iommufd_pt");
_Static_assert(sizeof(cpinsys_iommu_ioas_copy) == 40, "iommu_ioas_copy");
_Static_assert(offsetof(cpinsys_iommu_ioas_copy, src_ioas_id) == 12, "ioas_copy.src_ioas_id");
_Static_assert(offsetof(cpinsys_iommu_ioas_copy, length) == 16, "ioas_copy.length");
_Static_assert(offsetof(cpinsys_iommu_ioas_copy, dst_iova) == 24, "ioas_copy.dst_iova");
_Static_assert(offsetof(cpinsys_iommu_ioas_copy, src_iova) == 32, "ioas_copy.src_iova");

// MARK: - Calls

/// `ioctl(fd, request, arg)` for requests that take a pointer; returns 0/value or -1 with errno.
int cpinsys_ioctl_pointer(int fd, unsigned long request, void *arg);

/// `ioctl(fd, request, value)` for requests that take an integer (VFIO_CHECK_EXTENSION,
/// VFIO_SET_IOMMU) or nothing (VFIO_GET_API_VERSION).
int cpinsys_ioctl_value(int fd, unsigned long request, unsigned long value);

#endif
