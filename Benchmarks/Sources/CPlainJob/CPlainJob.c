#include "CPlainJob.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static double cplainjob_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    // Held by the caller while it creates the threads: a thread passes it only once all exist,
    // so a failed pthread_create can send the started ones home before any barrier counts them.
    pthread_mutex_t gate;
    int abandoned;
    pthread_barrier_t start, done;
} cplainjob_shared;

typedef struct {
    cplainjob_shared *shared;
    char *addr;
    size_t len;
    int error;
} cplainjob_slice;

static void *cplainjob_slice_main(void *raw) {
    cplainjob_slice *slice = raw;
    cplainjob_shared *shared = slice->shared;
    pthread_mutex_lock(&shared->gate);
    int abandoned = shared->abandoned;
    pthread_mutex_unlock(&shared->gate);
    if (abandoned) return NULL;
    pthread_barrier_wait(&shared->start);  // ready
    pthread_barrier_wait(&shared->start);  // go
    slice->error = madvise(slice->addr, slice->len, MADV_POPULATE_WRITE) == 0 ? 0 : errno;
    pthread_barrier_wait(&shared->done);
    return NULL;
}

int cplainjob_populate(void *base, const size_t *offsets, const size_t *lengths, int count,
                       cplainjob_result *out) {
    out->thread_start_seconds = out->pin_seconds = 0;
    out->error = 0;
    if (count < 1) return out->error = EINVAL;
    cplainjob_slice *slices = calloc(count, sizeof *slices);
    pthread_t *threads = calloc(count, sizeof *threads);
    if (!slices || !threads) {
        free(slices);
        free(threads);
        return out->error = ENOMEM;
    }
    // The caller is a party of both barriers: it waits for "ready", opens "go", waits for "done".
    cplainjob_shared shared = {.gate = PTHREAD_MUTEX_INITIALIZER, .abandoned = 0};
    pthread_barrier_init(&shared.start, NULL, count + 1);
    pthread_barrier_init(&shared.done, NULL, count + 1);

    pthread_mutex_lock(&shared.gate);
    double t0 = cplainjob_now();
    int started = 0;
    for (; started < count; started++) {
        slices[started] = (cplainjob_slice){&shared, (char *)base + offsets[started], lengths[started], 0};
        if (pthread_create(&threads[started], NULL, cplainjob_slice_main, &slices[started]) != 0) break;
    }
    shared.abandoned = started < count;
    pthread_mutex_unlock(&shared.gate);
    if (!shared.abandoned) {
        pthread_barrier_wait(&shared.start);
        double t1 = cplainjob_now();
        pthread_barrier_wait(&shared.start);
        pthread_barrier_wait(&shared.done);
        double t2 = cplainjob_now();
        out->thread_start_seconds = t1 - t0;
        out->pin_seconds = t2 - t1;
    }
    for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
    out->error = shared.abandoned ? EAGAIN : 0;
    for (int i = 0; i < started && !out->error; i++) out->error = slices[i].error;
    pthread_barrier_destroy(&shared.start);
    pthread_barrier_destroy(&shared.done);
    pthread_mutex_destroy(&shared.gate);
    free(slices);
    free(threads);
    return out->error;
}
