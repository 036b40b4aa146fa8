// Compiled by scripts/check-mock-uapi.sh against one kernel tree's own
// drivers/iommu/iommufd/iommufd_test.h: PinBench's subset of that private header
// (Sources/CPinSys/include/CPinSysIOMMUFDTest.h) must agree with it, op for op and
// offset for offset, or this fails to compile.
#include <stddef.h>
#include <linux/types.h>
#include "iommufd_test.h"
#include "CPinSysIOMMUFDTest.h"

#define SAME_OFFSET(member) \
    _Static_assert(offsetof(struct iommu_test_cmd, member) == offsetof(cpinsys_iommu_test_cmd, member), #member)

_Static_assert((long)IOMMU_TEST_CMD == (long)CPINSYS_IOMMU_TEST_CMD, "IOMMU_TEST_CMD");
_Static_assert((long)IOMMU_TEST_OP_MOCK_DOMAIN == (long)CPINSYS_IOMMU_TEST_OP_MOCK_DOMAIN, "IOMMU_TEST_OP_MOCK_DOMAIN");
_Static_assert((long)IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE == (long)CPINSYS_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, "IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE");
_Static_assert((long)IOMMU_TEST_OP_DIRTY == (long)CPINSYS_IOMMU_TEST_OP_DIRTY, "IOMMU_TEST_OP_DIRTY");
_Static_assert((long)MOCK_APERTURE_START == (long)CPINSYS_MOCK_APERTURE_START, "MOCK_APERTURE_START");
_Static_assert((long)MOCK_APERTURE_LAST == (long)CPINSYS_MOCK_APERTURE_LAST, "MOCK_APERTURE_LAST");
SAME_OFFSET(size);
SAME_OFFSET(op);
SAME_OFFSET(id);
SAME_OFFSET(mock_domain.out_stdev_id);
SAME_OFFSET(mock_domain.out_hwpt_id);
SAME_OFFSET(mock_domain.out_idev_id);
SAME_OFFSET(mock_domain_replace.pt_id);
SAME_OFFSET(dirty.flags);
SAME_OFFSET(dirty.iova);
SAME_OFFSET(dirty.length);
SAME_OFFSET(dirty.page_size);
SAME_OFFSET(dirty.uptr);
SAME_OFFSET(dirty.out_nr_dirty);
// The kernel's minimum size (the offset past `last`) must fit in what PinBench passes.
_Static_assert(offsetof(struct iommu_test_cmd, last) + 4 <= sizeof(cpinsys_iommu_test_cmd), "iommu_test_cmd size");

_Static_assert((long)IOMMU_HWPT_DATA_SELFTEST == (long)CPINSYS_IOMMU_HWPT_DATA_SELFTEST, "IOMMU_HWPT_DATA_SELFTEST");
_Static_assert(offsetof(struct iommu_hwpt_selftest, iotlb) == offsetof(cpinsys_iommu_hwpt_selftest, iotlb), "hwpt_selftest.iotlb");
// Headers with the device cache ops (7.x) have the page table type; 6.12's has neither and is
// given no selftest data.
#ifdef IOMMU_TEST_DEV_CACHE_DEFAULT
_Static_assert((long)MOCK_IOMMUPT_HUGE == (long)CPINSYS_MOCK_IOMMUPT_HUGE, "MOCK_IOMMUPT_HUGE");
_Static_assert(offsetof(struct iommu_hwpt_selftest, pagetable_type) == offsetof(cpinsys_iommu_hwpt_selftest, pagetable_type),
               "hwpt_selftest.pagetable_type");
_Static_assert(sizeof(struct iommu_hwpt_selftest) == sizeof(cpinsys_iommu_hwpt_selftest), "iommu_hwpt_selftest");
#endif

int main(void) { return 0; }
