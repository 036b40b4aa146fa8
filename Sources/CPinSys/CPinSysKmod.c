// The module's uAPI from userspace: including pinbench_kmod.h here makes this compiler check
// the same layout assertions the module's build does.
#include "CPinSysKmod.h"
#include "../uapi/pinbench_kmod.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

_Static_assert(CPINSYS_KMOD_PIN_LONGTERM == PINBENCH_KMOD_PIN_LONGTERM && CPINSYS_KMOD_PIN_WRITE == PINBENCH_KMOD_PIN_WRITE &&
               CPINSYS_KMOD_PIN_FAST == PINBENCH_KMOD_PIN_FAST && CPINSYS_KMOD_PIN_NUMA == PINBENCH_KMOD_PIN_NUMA &&
               CPINSYS_KMOD_PIN_MEMFD == PINBENCH_KMOD_PIN_MEMFD && CPINSYS_KMOD_UNPIN_FOLIO == PINBENCH_KMOD_UNPIN_FOLIO,
               "flags agree with the uAPI");
_Static_assert(sizeof(struct cpinsys_kmod_worker) == sizeof(struct pinbench_kmod_worker), "worker records agree");

uint32_t cpinsys_kmod_api_version(void) { return PINBENCH_KMOD_API_VERSION; }

uint32_t cpinsys_kmod_max_workers(void) { return PINBENCH_KMOD_MAX_WORKERS; }

int cpinsys_kmod_open(const char *path) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cpinsys_kmod_file_status(int fd, struct cpinsys_kmod_status *out) {
    struct pinbench_kmod_status status = {.size = sizeof(status)};
    if (ioctl(fd, PINBENCH_KMOD_STATUS, &status) < 0) return -errno;
    out->version = status.version;
    out->pages = status.pages;
    out->folios = status.folios;
    out->chunks = status.chunks;
    out->files = status.files;
    out->pinned_pages_all = status.pinned_pages_all;
    out->run_bytes = status.run_bytes;
    return 0;
}

int cpinsys_kmod_status(const char *path, struct cpinsys_kmod_status *out) {
    int fd = cpinsys_kmod_open(path);
    if (fd < 0) return fd;
    int rc = cpinsys_kmod_file_status(fd, out);
    close(fd);
    if (rc == 0) out->files -= 1;  // not counting the file opened here
    return rc;
}

// Worker records are copied by the layout both structs share (asserted above).
static void copy_workers(struct cpinsys_kmod_worker *out, const struct pinbench_kmod_worker *in, uint32_t count) {
    if (count > PINBENCH_KMOD_MAX_WORKERS) count = PINBENCH_KMOD_MAX_WORKERS;
    memcpy(out, in, count * sizeof(*in));
}

int cpinsys_kmod_pin(int fd, const struct cpinsys_kmod_pin_request *request, struct cpinsys_kmod_call *call,
                     struct cpinsys_kmod_worker *workers) {
    struct pinbench_kmod_pin pin = {
        .size = sizeof(pin),
        .flags = request->flags,
        .addr = request->addr,
        .length = request->length,
        .chunk_bytes = request->chunk_bytes,
        .workers = request->workers,
        .gup_batch = request->gup_batch,
        .memfd = request->memfd,
        .memfd_offset = request->memfd_offset,
    };
    if (ioctl(fd, PINBENCH_KMOD_PIN, &pin) < 0) return -errno;
    call->total_ns = pin.total_ns;
    call->pages = pin.pages;
    call->folios = pin.folios;
    call->run_bytes = pin.run_bytes;
    copy_workers(workers, pin.worker, request->workers);
    return 0;
}

int cpinsys_kmod_unpin(int fd, uint32_t flags, uint32_t workers, struct cpinsys_kmod_call *call,
                       struct cpinsys_kmod_worker *out_workers) {
    struct pinbench_kmod_unpin unpin = {.size = sizeof(unpin), .flags = flags, .workers = workers};
    if (ioctl(fd, PINBENCH_KMOD_UNPIN, &unpin) < 0) return -errno;
    call->total_ns = unpin.total_ns;
    call->pages = unpin.pages;
    call->folios = unpin.folios;
    call->run_bytes = 0;
    copy_workers(out_workers, unpin.worker, workers);
    return 0;
}
