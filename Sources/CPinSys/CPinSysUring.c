#include "CPinSysUring.h"

#include <errno.h>
#include <liburing.h>
#include <stdlib.h>

struct cpinsys_uring {
    struct io_uring ring;
};

int cpinsys_uring_open(cpinsys_uring **out) {
    cpinsys_uring *ring = calloc(1, sizeof(*ring));
    if (!ring) return -ENOMEM;
    int rc = io_uring_queue_init(1, &ring->ring, 0);
    if (rc < 0) {
        free(ring);
        return rc;
    }
    *out = ring;
    return 0;
}

int cpinsys_uring_register_buffers(cpinsys_uring *ring, const struct iovec *iovecs, unsigned count) {
    return io_uring_register_buffers(&ring->ring, iovecs, count);
}

int cpinsys_uring_unregister_buffers(cpinsys_uring *ring) {
    return io_uring_unregister_buffers(&ring->ring);
}

int cpinsys_uring_fd(const cpinsys_uring *ring) {
    return ring->ring.ring_fd;
}

void cpinsys_uring_close(cpinsys_uring *ring) {
    if (!ring) return;
    io_uring_queue_exit(&ring->ring);
    free(ring);
}
