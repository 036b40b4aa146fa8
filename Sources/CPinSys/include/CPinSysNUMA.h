// libnuma and the NUMA syscalls behind prefixed, non-variadic functions.
#ifndef CPINSYS_NUMA_H
#define CPINSYS_NUMA_H

#include <stddef.h>

// Memory policy modes (uapi linux/mempolicy.h, stable ABI).
#define CPINSYS_MPOL_DEFAULT 0
#define CPINSYS_MPOL_BIND 2
#define CPINSYS_MPOL_INTERLEAVE 3
#define CPINSYS_MPOL_LOCAL 4

/// `numa_available()`: 0 when the kernel has NUMA support, -1 when libnuma's calls must not be used.
int cpinsys_numa_available(void);

/// `numa_max_node()`: the highest node number (nodes can have gaps below it).
int cpinsys_numa_max_node(void);

/// Whether `node` is in `numa_all_nodes_ptr` (nodes this process may allocate on).
int cpinsys_numa_node_allowed(int node);

/// `numa_distance(a, b)`: the SLIT distance, 0 when unknown.
int cpinsys_numa_distance(int a, int b);

/// `mbind(2)` over `[address, address + length)` with `mode` and a node mask of `node_count`
/// node numbers (none for MPOL_LOCAL and MPOL_DEFAULT). Returns 0 or -1 with errno set.
int cpinsys_mbind(void *address, unsigned long length, int mode, const int *nodes, int node_count);

/// `get_mempolicy(2)` with `MPOL_F_ADDR`: the policy of the mapping at `address`. Writes the
/// mode (MPOL_*, without flags) and up to `capacity` node numbers of its mask; returns how many
/// nodes, or -1 with errno set.
int cpinsys_mempolicy_at(void *address, int *mode, int *nodes, int capacity);

/// `move_pages(2)` in status mode (nodes == NULL): for each of `count` addresses, the node its
/// page is on, or a negative errno (-ENOENT: not present). Moves nothing. Returns 0 or -1 with errno.
int cpinsys_move_pages_status(void **pages, unsigned long count, int *status);

#endif
