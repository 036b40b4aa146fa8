#ifndef CPINSYS_KMOD_H
#define CPINSYS_KMOD_H

#include <stdint.h>

/// What `/dev/pinbench` (PinBench's kernel module) says of itself: `PINBENCH_KMOD_STATUS`.
struct cpinsys_kmod_status {
    uint32_t version;
    uint64_t files;
    uint64_t pinned_pages_all;
};

/// The uAPI version PinBench speaks (`PINBENCH_KMOD_API_VERSION` of pinbench_kmod.h).
uint32_t cpinsys_kmod_api_version(void);

/// Opens `path` and asks `PINBENCH_KMOD_STATUS`; 0, or -errno (of the open or the ioctl).
int cpinsys_kmod_status(const char *path, struct cpinsys_kmod_status *out);

#endif
