#ifndef CPINSYS_KMOD_H
#define CPINSYS_KMOD_H

#include <stdint.h>

/// Where one module call spent its time (ns), `struct pinbench_kmod_phases`: the ioctl from entry
/// to return, before the workers, the workers' span, their pin, record and map phases summed,
/// the untimed check of the mapping, and the rest.
struct cpinsys_kmod_phases {
    uint64_t ioctl_ns;
    uint64_t setup_ns;
    uint64_t work_ns;
    uint64_t gup_ns;
    uint64_t record_ns;
    uint64_t map_ns;
    uint64_t verify_ns;
    uint64_t finish_ns;
};

/// The module's own check of a mapping (`struct pinbench_kmod_map_check`).
struct cpinsys_kmod_map_check {
    uint64_t mapped_bytes;
    uint64_t segments;
    uint64_t checked;
    uint64_t wrong;
};

/// What `/dev/pinbench` (PinBench's kernel module) says of itself: `PINBENCH_KMOD_STATUS`.
struct cpinsys_kmod_status {
    uint32_t version;
    /// What the asking file holds pinned now.
    uint64_t pages;
    uint64_t folios;
    uint64_t chunks;
    /// Open `/dev/pinbench` files in every process, the asking one included.
    uint64_t files;
    uint64_t pinned_pages_all;
    /// The asking file's run arrays (one record per folio run), as its PIN returned it.
    uint64_t run_bytes;
    /// `CPINSYS_KMOD_FEATURE_*`: what this build of the module can do.
    uint32_t features;
    /// Devices bound to the module's PCI driver.
    uint32_t devices;
    /// The asking file's range mapped in its device's domain now, and every file's.
    uint64_t mapped_bytes;
    uint64_t mapped_all;
    /// Where the file's last PIN and UNPIN spent their time inside the module.
    struct cpinsys_kmod_phases pin_phases;
    struct cpinsys_kmod_phases unpin_phases;
};

/// What one worker of a module call did (`struct pinbench_kmod_worker`); ns from the call's start.
struct cpinsys_kmod_worker {
    uint64_t start_ns;
    uint64_t end_ns;
    uint64_t chunks;
    uint64_t pages;
    uint64_t folios;
    int32_t cpu;
    int32_t node;
    /// Pin (unpin) calls, run records, and iommu_map (iommu_unmap) calls: ns and count.
    uint64_t gup_ns;
    uint64_t record_ns;
    uint64_t map_ns;
    uint64_t map_calls;
};

/// A whole module call's answer.
struct cpinsys_kmod_call {
    uint64_t total_ns;
    uint64_t pages;
    uint64_t folios;
    /// PIN: the bytes of run arrays the module holds the pins in; UNPIN: 0.
    uint64_t run_bytes;
    /// A mapped range checked in the kernel (all 0 when nothing was mapped).
    struct cpinsys_kmod_map_check map_check;
};

/// `PINBENCH_KMOD_PIN`'s request (`struct pinbench_kmod_pin` without its answer).
struct cpinsys_kmod_pin_request {
    uint32_t flags;
    uint64_t addr;
    uint64_t length;
    uint64_t chunk_bytes;
    uint32_t workers;
    uint32_t gup_batch;
    int32_t memfd;
    uint64_t memfd_offset;
    /// With `CPINSYS_KMOD_PIN_MAP`: `addr`'s IOVA in the attached device's domain.
    uint64_t iova;
};

/// A device bound to the module's PCI driver (`struct pinbench_kmod_attach`'s answer).
struct cpinsys_kmod_device {
    int32_t group;
    uint32_t group_devices;
    int32_t domain_error;
    uint32_t domain_type;
    uint64_t aperture_start;
    uint64_t aperture_end;
    uint64_t pgsize_bitmap;
    uint64_t files;
    uint64_t mapped_bytes;
};

enum {
    CPINSYS_KMOD_PIN_LONGTERM = 1 << 0,
    CPINSYS_KMOD_PIN_WRITE = 1 << 1,
    CPINSYS_KMOD_PIN_FAST = 1 << 2,
    CPINSYS_KMOD_PIN_NUMA = 1 << 3,
    CPINSYS_KMOD_PIN_MEMFD = 1 << 4,
    CPINSYS_KMOD_PIN_MAP = 1 << 5,
    CPINSYS_KMOD_UNPIN_FOLIO = 1 << 0,
    CPINSYS_KMOD_FEATURE_MEMFD = 1 << 0,
    CPINSYS_KMOD_FEATURE_MAP = 1 << 1,
    CPINSYS_KMOD_ATTACH_QUERY = 1 << 0,
};

/// The most pages one pin call inside the module takes (`PB_MAX_BATCH`).
uint32_t cpinsys_kmod_max_batch(void);

/// The uAPI version PinBench speaks (`PINBENCH_KMOD_API_VERSION` of pinbench_kmod.h).
uint32_t cpinsys_kmod_api_version(void);

/// The most workers one call takes (`PINBENCH_KMOD_MAX_WORKERS`).
uint32_t cpinsys_kmod_max_workers(void);

/// Opens `path` read-write, close-on-exec; the descriptor, or -errno.
int cpinsys_kmod_open(const char *path);

/// `PINBENCH_KMOD_STATUS` on an open file; 0, or -errno.
int cpinsys_kmod_file_status(int fd, struct cpinsys_kmod_status *out);

/// Opens `path` and asks `PINBENCH_KMOD_STATUS`; 0, or -errno (of the open or the ioctl).
/// `files` does not count the file opened here.
int cpinsys_kmod_status(const char *path, struct cpinsys_kmod_status *out);

/// `PINBENCH_KMOD_PIN`: 0 and the call's answer with `request->workers` worker records, or -errno.
int cpinsys_kmod_pin(int fd, const struct cpinsys_kmod_pin_request *request, struct cpinsys_kmod_call *call,
                     struct cpinsys_kmod_worker *workers);

/// `PINBENCH_KMOD_UNPIN` with `workers` workers: 0 and the answer, or -errno.
int cpinsys_kmod_unpin(int fd, uint32_t flags, uint32_t workers, struct cpinsys_kmod_call *call,
                       struct cpinsys_kmod_worker *out_workers);

/// `PINBENCH_KMOD_ATTACH` of the device at PCI address `device` (with `CPINSYS_KMOD_ATTACH_QUERY`
/// only described): 0 and the device, or -errno.
int cpinsys_kmod_attach(int fd, const char *device, uint32_t flags, struct cpinsys_kmod_device *out);

#endif
