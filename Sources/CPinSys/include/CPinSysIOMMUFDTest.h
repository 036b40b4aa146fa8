// CPinSysIOMMUFDTest: the subset of iommufd's private selftest uAPI that PinBench's
// `--dirty-tracking iommufd-mock` uses, from drivers/iommu/iommufd/iommufd_test.h (Linux 6.12
// and 7.2, as the lab builds them with CONFIG_IOMMUFD_TEST). That header is no uAPI: it is
// not installed and changes between kernels (7.2 dropped MOCK_FLAGS_DEVICE_HUGE_IOVA and added
// ops and union members). So only what is used is defined here, and
// scripts/check-mock-uapi.sh compiles lab/mock-uapi-check.c against each lab kernel's own
// header, asserting these op numbers and offsets equal the kernel's, so a drift fails loudly.
#ifndef CPINSYS_IOMMUFD_TEST_H
#define CPINSYS_IOMMUFD_TEST_H

#include <stddef.h>
#include <stdint.h>

/// `IOMMU_TEST_CMD`: `_IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32)` on /dev/iommu.
enum { CPINSYS_IOMMU_TEST_CMD = (0x3b << 8) | (0x80 + 32) };

/// The ops used (their positions in the kernel's enum, which starts at 1).
enum {
    /// Makes a mock device and attaches it to the IOAS or HWPT `id`.
    CPINSYS_IOMMU_TEST_OP_MOCK_DOMAIN = 2,
    /// Moves the mock device `id` (its stdev id) to the HWPT `pt_id`.
    CPINSYS_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE = 10,
    /// Marks the IOVAs of the set bits of a user bitmap dirty in the mock HWPT `id`.
    CPINSYS_IOMMU_TEST_OP_DIRTY = 13,
};

/// The mock domain's aperture (both kernels): the IOVAs a mock-domain map may use.
enum {
    CPINSYS_MOCK_APERTURE_START = 1 << 24,
    CPINSYS_MOCK_APERTURE_LAST = 0x7fffffff, /* (1UL << 31) - 1 */
};

/// `IOMMU_HWPT_ALLOC`'s `data_type` for the mock's own data, and that data (7.x: `pagetable_type`
/// picks the mock's page table; 6.12's struct has `iotlb` only and takes no data for a paging HWPT).
enum {
    CPINSYS_IOMMU_HWPT_DATA_SELFTEST = 0xdead,
    /// 7.x's AMDv1 mock restricted to 4K and 1M leaves (`MOCK_IOMMUPT_HUGE`); the default maps
    /// every power of two, whose contiguous-entry leaves lose `IOMMU_TEST_OP_DIRTY` marks.
    CPINSYS_MOCK_IOMMUPT_HUGE = 1,
};

/// `struct iommu_hwpt_selftest` as of 7.x.
typedef struct cpinsys_iommu_hwpt_selftest {
    uint32_t iotlb;
    uint32_t pagetable_type;
} cpinsys_iommu_hwpt_selftest;

/// `struct iommu_test_cmd` with only the union members used. The kernel's union is larger
/// and grows between kernels; the command's minimum size is the offset past `last`, so this
/// union is padded well past any kernel's (a larger size is accepted when the extra bytes are
/// zero, and the answer is copied back up to the kernel's size).
typedef struct cpinsys_iommu_test_cmd {
    uint32_t size;
    uint32_t op;
    uint32_t id;
    uint32_t reserved;
    union {
        struct {
            uint32_t out_stdev_id;
            uint32_t out_hwpt_id;
            uint32_t out_idev_id;
        } mock_domain;
        struct {
            uint32_t pt_id;
        } mock_domain_replace;
        struct {
            uint32_t flags;
            uint64_t iova __attribute__((aligned(8)));
            uint64_t length __attribute__((aligned(8)));
            uint64_t page_size __attribute__((aligned(8)));
            uint64_t uptr __attribute__((aligned(8)));
            uint64_t out_nr_dirty __attribute__((aligned(8)));
        } dirty;
        uint8_t pad[256];
    };
    uint32_t last;
} cpinsys_iommu_test_cmd;

_Static_assert(offsetof(cpinsys_iommu_test_cmd, mock_domain) == 16, "iommu_test_cmd union");
_Static_assert(offsetof(cpinsys_iommu_test_cmd, dirty.iova) == 24, "iommu_test_cmd.dirty.iova");
_Static_assert(offsetof(cpinsys_iommu_test_cmd, dirty.out_nr_dirty) == 56, "iommu_test_cmd.dirty.out_nr_dirty");

#endif
