#include "CPinSysVFIO.h"

#include <sys/ioctl.h>

int cpinsys_ioctl_pointer(int fd, unsigned long request, void *arg) {
    return ioctl(fd, request, arg);
}

int cpinsys_ioctl_value(int fd, unsigned long request, unsigned long value) {
    return ioctl(fd, request, value);
}
