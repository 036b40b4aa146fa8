#include "CPinBaseline.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define BASELINE_MADV_DONTNEED 4
#define BASELINE_MADV_POPULATE_READ 22
#define BASELINE_MADV_POPULATE_WRITE 23

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int do_pin(char *addr, size_t len, cpinbaseline_op op, size_t stride) {
    switch (op) {
    case CPINBASELINE_POPULATE_WRITE:
        return madvise(addr, len, BASELINE_MADV_POPULATE_WRITE) == 0 ? 0 : errno;
    case CPINBASELINE_POPULATE_READ:
        return madvise(addr, len, BASELINE_MADV_POPULATE_READ) == 0 ? 0 : errno;
    case CPINBASELINE_MLOCK:
        return mlock(addr, len) == 0 ? 0 : errno;
    case CPINBASELINE_TOUCH:
        for (size_t off = 0; off < len; off += stride) ((volatile char *)addr)[off] = 0;
        return 0;
    }
    return EINVAL;
}

static int do_unpin(char *addr, size_t len, cpinbaseline_op op) {
    if (op == CPINBASELINE_MLOCK) return munlock(addr, len) == 0 ? 0 : errno;
    return madvise(addr, len, BASELINE_MADV_DONTNEED) == 0 ? 0 : errno;
}

// MARK: - Threaded job

typedef struct {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int parties, arrived, generation;
} barrier_t;

static void barrier_arrive(barrier_t *b, int wait) {
    pthread_mutex_lock(&b->mutex);
    int mine = b->generation;
    b->arrived++;
    pthread_cond_broadcast(&b->cond);
    while (wait && b->generation == mine) pthread_cond_wait(&b->cond, &b->mutex);
    pthread_mutex_unlock(&b->mutex);
}

static void barrier_wait_all(barrier_t *b) {
    pthread_mutex_lock(&b->mutex);
    while (b->arrived < b->parties) pthread_cond_wait(&b->cond, &b->mutex);
    pthread_mutex_unlock(&b->mutex);
}

static void barrier_release(barrier_t *b) {
    pthread_mutex_lock(&b->mutex);
    b->arrived = 0;
    b->generation++;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->mutex);
}

typedef struct {
    barrier_t *barrier;
    char *addr;
    size_t len;
    cpinbaseline_op op;
    size_t stride;
    int pin_error, unpin_error;
} slice_t;

static void *slice_main(void *raw) {
    slice_t *s = raw;
    barrier_arrive(s->barrier, 1);
    s->pin_error = do_pin(s->addr, s->len, s->op, s->stride);
    barrier_arrive(s->barrier, 1);
    s->unpin_error = do_unpin(s->addr, s->len, s->op);
    barrier_arrive(s->barrier, 0);
    return NULL;
}

int cpinbaseline_run(void *addr, size_t len, size_t unit, int threads, cpinbaseline_op op,
                     size_t touch_stride, void (*between)(void *), void *context,
                     cpinbaseline_result *out) {
    out->thread_start_seconds = out->pin_seconds = out->unpin_seconds = 0;
    out->error = 0;
    if (threads <= 0) {
        double t0 = now_seconds();
        int err = do_pin(addr, len, op, touch_stride);
        double t1 = now_seconds();
        if (between) between(context);
        double u0 = now_seconds();
        int err2 = do_unpin(addr, len, op);
        double t2 = now_seconds();
        out->pin_seconds = t1 - t0;
        out->unpin_seconds = t2 - u0;
        out->error = err ? err : err2;
        return out->error;
    }
    size_t units = len / unit, tail = len % unit;
    if ((size_t)threads > units) threads = units > 0 ? (int)units : 1;
    size_t per = units / threads, leftover = units % threads;

    barrier_t barrier = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, threads, 0, 0};
    slice_t *slices = calloc(threads, sizeof(slice_t));
    pthread_t *handles = calloc(threads, sizeof(pthread_t));
    if (!slices || !handles) { free(slices); free(handles); return out->error = ENOMEM; }

    double t0 = now_seconds();
    size_t offset = 0;
    int started = 0;
    for (int i = 0; i < threads; i++) {
        size_t length = (per + ((size_t)i < leftover ? 1 : 0)) * unit + (i == threads - 1 ? tail : 0);
        slices[i] = (slice_t){&barrier, (char *)addr + offset, length, op, touch_stride, 0, 0};
        offset += length;
        if (pthread_create(&handles[i], NULL, slice_main, &slices[i]) != 0) break;
        started++;
    }
    if (started < threads) {
        // Let the started threads run through on no memory and report the failure.
        for (int i = 0; i < started; i++) slices[i].len = 0;
        barrier.parties = started;
        out->error = EAGAIN;
    }
    barrier_wait_all(&barrier);
    double t1 = now_seconds();
    barrier_release(&barrier);
    barrier_wait_all(&barrier);
    double t2 = now_seconds();
    if (between) between(context);
    double u0 = now_seconds();
    barrier_release(&barrier);
    barrier_wait_all(&barrier);
    double t3 = now_seconds();
    for (int i = 0; i < started; i++) pthread_join(handles[i], NULL);
    out->thread_start_seconds = t1 - t0;
    out->pin_seconds = t2 - t1;
    out->unpin_seconds = t3 - u0;
    for (int i = 0; i < started && !out->error; i++)
        out->error = slices[i].pin_error ? slices[i].pin_error : slices[i].unpin_error;
    free(slices);
    free(handles);
    return out->error;
}
