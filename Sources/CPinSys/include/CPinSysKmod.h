#ifndef CPINSYS_KMOD_H
#define CPINSYS_KMOD_H

#include <stdint.h>

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
};

/// A whole module call's answer.
struct cpinsys_kmod_call {
    uint64_t total_ns;
    uint64_t pages;
    uint64_t folios;
    /// PIN: the bytes of run arrays the module holds the pins in; UNPIN: 0.
    uint64_t run_bytes;
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
};

enum {
    CPINSYS_KMOD_PIN_LONGTERM = 1 << 0,
    CPINSYS_KMOD_PIN_WRITE = 1 << 1,
    CPINSYS_KMOD_PIN_FAST = 1 << 2,
    CPINSYS_KMOD_PIN_NUMA = 1 << 3,
    CPINSYS_KMOD_PIN_MEMFD = 1 << 4,
    CPINSYS_KMOD_UNPIN_FOLIO = 1 << 0,
};

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

#endif
