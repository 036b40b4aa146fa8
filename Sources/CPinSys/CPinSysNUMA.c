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

long long cpinsys_numa_node_size(int node, long long *free_bytes) {
    return numa_node_size64(node, free_bytes);
}

int cpinsys_numa_distance(int a, int b) { return numa_distance(a, b); }

int cpinsys_numa_node_of_cpu(int cpu) { return numa_node_of_cpu(cpu); }

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

int cpinsys_move_pages_status(void **pages, unsigned long count, int *status) {
    return move_pages(0, count, pages, NULL, status, 0) == 0 ? 0 : -1;
}
