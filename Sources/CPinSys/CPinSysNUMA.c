#include "CPinSysNUMA.h"

#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdlib.h>
#include <string.h>

int cpinsys_numa_available(void) { return numa_available(); }

int cpinsys_numa_max_node(void) { return numa_max_node(); }

int cpinsys_numa_node_allowed(int node) {
    return numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned int)node);
}

int cpinsys_numa_distance(int a, int b) { return numa_distance(a, b); }

int cpinsys_mbind(void *address, unsigned long length, int mode, const int *nodes, int node_count) {
    // The kernel reads maxnode - 1 bits, so pass one bit more than the highest node.
    int highest = 0;
    for (int i = 0; i < node_count; i++) {
        if (nodes[i] < 0) { errno = EINVAL; return -1; }
        if (nodes[i] > highest) highest = nodes[i];
    }
    const unsigned long bits = sizeof(unsigned long) * 8;
    unsigned long words = (unsigned long)highest / bits + 1;
    unsigned long *mask = calloc(words, sizeof(unsigned long));
    if (mask == NULL) { errno = ENOMEM; return -1; }
    for (int i = 0; i < node_count; i++) mask[nodes[i] / bits] |= 1ul << (nodes[i] % bits);
    long rc = mbind(address, length, mode, node_count > 0 ? mask : NULL,
                    node_count > 0 ? words * bits + 1 : 0, 0);
    int saved = errno;
    free(mask);
    errno = saved;
    return rc == 0 ? 0 : -1;
}

int cpinsys_mempolicy_at(void *address, int *mode, int *nodes, int capacity) {
    const unsigned long bits = sizeof(unsigned long) * 8;
    // Room for every node the kernel may number (numa_max_possible_node + 1 bits).
    unsigned long maxnode = (unsigned long)numa_max_possible_node() + 1;
    unsigned long words = (maxnode + bits - 1) / bits;
    unsigned long *mask = calloc(words, sizeof(unsigned long));
    if (mask == NULL) { errno = ENOMEM; return -1; }
    int policy = 0;
    if (get_mempolicy(&policy, mask, words * bits, address, MPOL_F_ADDR) != 0) {
        int saved = errno;
        free(mask);
        errno = saved;
        return -1;
    }
    // Mode flags live in the high bits (MPOL_F_STATIC_NODES 1<<15, _RELATIVE_ 1<<14, _NUMA_BALANCING 1<<13).
    *mode = policy & 0xff;
    int count = 0;
    for (unsigned long node = 0; node < words * bits; node++) {
        if (mask[node / bits] & (1ul << (node % bits))) {
            if (count < capacity) nodes[count] = (int)node;
            count++;
        }
    }
    free(mask);
    return count < capacity ? count : capacity;
}

int cpinsys_move_pages_status(void **pages, unsigned long count, int *status) {
    return move_pages(0, count, pages, NULL, status, 0) == 0 ? 0 : -1;
}
