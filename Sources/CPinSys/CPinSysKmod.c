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
               CPINSYS_KMOD_PIN_MEMFD == PINBENCH_KMOD_PIN_MEMFD && CPINSYS_KMOD_PIN_MAP == PINBENCH_KMOD_PIN_MAP &&
               CPINSYS_KMOD_UNPIN_FOLIO == PINBENCH_KMOD_UNPIN_FOLIO &&
               CPINSYS_KMOD_FEATURE_MEMFD == PINBENCH_KMOD_FEATURE_MEMFD &&
               CPINSYS_KMOD_FEATURE_MAP == PINBENCH_KMOD_FEATURE_MAP &&
               CPINSYS_KMOD_ATTACH_QUERY == PINBENCH_KMOD_ATTACH_QUERY,
               "flags agree with the uAPI");
_Static_assert(sizeof(struct cpinsys_kmod_worker) == sizeof(struct pinbench_kmod_worker), "worker records agree");
_Static_assert(sizeof(struct cpinsys_kmod_phases) == sizeof(struct pinbench_kmod_phases), "phases agree");
_Static_assert(sizeof(struct cpinsys_kmod_map_check) == sizeof(struct pinbench_kmod_map_check), "map checks agree");

// The module's PB_MAX_BATCH (kmod/pinbench_kmod.c), which the uAPI does not carry.
#define CPINSYS_KMOD_MAX_BATCH 262144

uint32_t cpinsys_kmod_max_batch(void) { return CPINSYS_KMOD_MAX_BATCH; }

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
    out->features = status.features;
    out->devices = status.devices;
    out->mapped_bytes = status.mapped_bytes;
    out->mapped_all = status.mapped_all;
    memcpy(&out->pin_phases, &status.pin_phases, sizeof(out->pin_phases));
    memcpy(&out->unpin_phases, &status.unpin_phases, sizeof(out->unpin_phases));
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
        .iova = request->iova,
    };
    if (ioctl(fd, PINBENCH_KMOD_PIN, &pin) < 0) return -errno;
    call->total_ns = pin.total_ns;
    call->pages = pin.pages;
    call->folios = pin.folios;
    call->run_bytes = pin.run_bytes;
    memcpy(&call->map_check, &pin.map_check, sizeof(call->map_check));
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
    memcpy(&call->map_check, &unpin.map_check, sizeof(call->map_check));
    copy_workers(out_workers, unpin.worker, workers);
    return 0;
}

int cpinsys_kmod_attach(int fd, const char *device, uint32_t flags, struct cpinsys_kmod_device *out) {
    struct pinbench_kmod_attach attach = {.size = sizeof(attach), .flags = flags};
    size_t length = strlen(device);
    if (length >= sizeof(attach.device)) return -ENAMETOOLONG;
    memcpy(attach.device, device, length);
    if (ioctl(fd, PINBENCH_KMOD_ATTACH, &attach) < 0) return -errno;
    out->group = attach.group;
    out->group_devices = attach.group_devices;
    out->domain_error = attach.domain_error;
    out->domain_type = attach.domain_type;
    out->aperture_start = attach.aperture_start;
    out->aperture_end = attach.aperture_end;
    out->pgsize_bitmap = attach.pgsize_bitmap;
    out->files = attach.files;
    out->mapped_bytes = attach.mapped_bytes;
    return 0;
}
