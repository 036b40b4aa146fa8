// CPinSys: the few Linux calls Swift cannot make directly (variadic syscall(),
// CPU_SET macros, pthread affinity, memfd flags), behind prefixed
// non-variadic functions. Everything here is a thin wrapper: policy lives in Swift.
#ifndef CPINSYS_H
#define CPINSYS_H

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>
#include <time.h>

// madvise advice values newer than some libc headers (uapi values, stable ABI).
#define CPINSYS_MADV_DONTNEED 4
#define CPINSYS_MADV_HUGEPAGE 14
#define CPINSYS_MADV_NOHUGEPAGE 15
#define CPINSYS_MADV_POPULATE_READ 22
#define CPINSYS_MADV_POPULATE_WRITE 23

// mmap / memfd flags for explicit huge page sizes (MAP_HUGE_SHIFT == MFD_HUGE_SHIFT == 26).
#define CPINSYS_HUGE_SHIFT 26
#define CPINSYS_MAP_HUGETLB 0x40000
#define CPINSYS_MAP_NORESERVE 0x4000
#define CPINSYS_MAP_FIXED 0x10
#define CPINSYS_MFD_CLOEXEC 0x0001U
#define CPINSYS_MFD_HUGETLB 0x0004U

/// Calls `memfd_create(2)`; returns the fd or -1 with errno set.
int cpinsys_memfd_create(const char *name, unsigned int flags);

/// Calls `sched_getcpu(3)`.
int cpinsys_sched_getcpu(void);

/// Number of CPUs this thread may run on (`sched_getaffinity` + `CPU_COUNT`).
int cpinsys_allowed_cpu_count(void);

/// Fills `cpus` (capacity `capacity`) with the CPU numbers this thread may run on;
/// returns how many there are, or -1 with errno set.
int cpinsys_allowed_cpus(int *cpus, int capacity);

/// Creates a joinable pthread running `body(context)`, bound to `cpus` from its first
/// instruction when `count > 0` (`pthread_attr_setaffinity_np`). Returns 0 or an errno.
int cpinsys_thread_create(pthread_t *thread, const int *cpus, int count,
                          void *(*body)(void *), void *context);

/// `pthread_setaffinity_np(pthread_self(), ...)`: binds the calling thread to `cpus`; restore
/// it by passing the CPUs it had (`cpinsys_allowed_cpus`). Returns 0 or an errno.
int cpinsys_bind_current_thread(const int *cpus, int count);

/// Monotonic time in nanoseconds (`clock_gettime(CLOCK_MONOTONIC)`), cheap (vDSO).
/// Inline so that a timestamp costs one vDSO call and no extra frame.
static inline uint64_t cpinsys_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}


#include "CPinSysEvent.h"
#include "CPinSysUring.h"
#include "CPinSysVFIO.h"
#include "CPinSysIOMMUFDTest.h"
#include "CPinSysFolioSim.h"
#include "CPinSysNUMA.h"
#include "CPinSysKmod.h"
#include "CPinSysHugetlbfs.h"
#include "CPinSysBuild.h"

#endif
