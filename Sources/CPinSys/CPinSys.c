#include "CPinSys.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int cpinsys_memfd_create(const char *name, unsigned int flags) {
    return (int)syscall(SYS_memfd_create, name, flags);
}

int cpinsys_sched_getcpu(void) { return sched_getcpu(); }

static int cpu_set_from(const int *cpus, int count, cpu_set_t *set) {
    CPU_ZERO(set);
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) return EINVAL;
        CPU_SET(cpus[i], set);
    }
    return 0;
}

int cpinsys_allowed_cpu_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
    return CPU_COUNT(&set);
}

int cpinsys_allowed_cpus(int *cpus, int capacity) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
    int n = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &set)) continue;
        if (n < capacity) cpus[n] = cpu;
        n++;
    }
    return n;
}

int cpinsys_thread_create(pthread_t *thread, const int *cpus, int count,
                          void *(*body)(void *), void *context) {
    pthread_attr_t attr;
    int rc = pthread_attr_init(&attr);
    if (rc != 0) return rc;
    if (count > 0) {
        cpu_set_t set;
        rc = cpu_set_from(cpus, count, &set);
        if (rc == 0) rc = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
    }
    if (rc == 0) rc = pthread_create(thread, &attr, body, context);
    pthread_attr_destroy(&attr);
    return rc;
}

int cpinsys_bind_current_thread(const int *cpus, int count) {
    cpu_set_t set;
    int rc = cpu_set_from(cpus, count, &set);
    return rc == 0 ? pthread_setaffinity_np(pthread_self(), sizeof(set), &set) : rc;
}
