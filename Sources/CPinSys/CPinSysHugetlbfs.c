#include "CPinSysHugetlbfs.h"

#include <fcntl.h>
#include <stddef.h>  // hugetlbfs.h uses size_t without including it
#include <hugetlbfs.h>

int cpinsys_hugetlbfs_page_sizes(long *sizes, int capacity) {
    return gethugepagesizes(sizes, capacity);
}

const char *cpinsys_hugetlbfs_path_for_size(long page_size) {
    return hugetlbfs_find_path_for_size(page_size);
}

int cpinsys_hugetlbfs_unlinked_fd(long page_size) {
    int fd = hugetlbfs_unlinked_fd_for_size(page_size);
    // libhugetlbfs opens with mkstemp, which leaves the fd inheritable.
    if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}
