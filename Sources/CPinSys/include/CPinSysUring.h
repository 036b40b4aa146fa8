// CPinSysUring: one io_uring instance used only for fixed-buffer registration, the
// long-term pin (pin_user_pages with FOLL_LONGTERM) that the vfio shim measures.
// liburing's header stays out of Swift's sight: the ring is an opaque pointer.
#ifndef CPINSYS_URING_H
#define CPINSYS_URING_H

#include <sys/uio.h>

/// An io_uring instance (liburing's `struct io_uring`), opaque to Swift.
typedef struct cpinsys_uring cpinsys_uring;

/// The kernel's limits on `IORING_REGISTER_BUFFERS`: bytes per iovec and iovecs per ring.
enum {
    CPINSYS_URING_MAX_BUFFER_BYTES = 1 << 30,
    CPINSYS_URING_MAX_BUFFERS = 1 << 14,
};

/// Creates a one-entry ring (`io_uring_queue_init`). Returns 0 and sets `*ring`, or a
/// negative errno (-EPERM when `kernel.io_uring_disabled` forbids it, -ENOSYS without io_uring).
int cpinsys_uring_open(cpinsys_uring **ring);

/// Registers `count` iovecs as fixed buffers (`io_uring_register_buffers`), which pins every
/// page and charges it to `pinned_vm`. Returns 0 or a negative errno.
int cpinsys_uring_register_buffers(cpinsys_uring *ring, const struct iovec *iovecs, unsigned count);

/// Unregisters all fixed buffers (`io_uring_unregister_buffers`), unpinning them.
/// Returns 0 or a negative errno.
int cpinsys_uring_unregister_buffers(cpinsys_uring *ring);

/// The ring's file descriptor (liburing's `ring_fd`), for reading its `/proc/self/fdinfo`.
int cpinsys_uring_fd(const cpinsys_uring *ring);

/// Tears the ring down (`io_uring_queue_exit`) and frees it; any buffers still registered
/// are unpinned by the kernel.
void cpinsys_uring_close(cpinsys_uring *ring);

#endif
