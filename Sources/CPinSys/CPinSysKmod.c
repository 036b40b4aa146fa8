// The module's uAPI from userspace: including pinbench_kmod.h here makes this compiler check
// the same layout assertions the module's build does.
#include "CPinSysKmod.h"
#include "../uapi/pinbench_kmod.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

uint32_t cpinsys_kmod_api_version(void) { return PINBENCH_KMOD_API_VERSION; }

int cpinsys_kmod_status(const char *path, struct cpinsys_kmod_status *out) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct pinbench_kmod_status status = {.size = sizeof(status)};
    int rc = ioctl(fd, PINBENCH_KMOD_STATUS, &status) < 0 ? -errno : 0;
    close(fd);
    if (rc == 0) {
        out->version = status.version;
        out->files = status.files - 1;  // not counting the file opened here
        out->pinned_pages_all = status.pinned_pages_all;
    }
    return rc;
}
