// CPlainJob: the populate job of PinBench's `user` strategy as a plain C program: pthreads
// created for the job, held at a POSIX barrier, each doing one madvise(MADV_POPULATE_WRITE)
// over the slice it is given. Nothing of PinBench is linked in; the slices come from the
// caller, so both sides cut the region identically without a second copy of QEMU's formula.
#ifndef CPLAINJOB_H
#define CPLAINJOB_H

#include <stddef.h>

typedef struct {
    /// From the first pthread_create to every thread waiting at the start barrier.
    double thread_start_seconds;
    /// From the barrier's release to the last thread's return from madvise, as PinBench times it.
    double pin_seconds;
    /// 0, or the errno of the first failing call.
    int error;
} cplainjob_result;

/// Populates `count` slices of `[base, ...)` (slice i is `lengths[i]` bytes at `base + offsets[i]`),
/// one pthread per slice, and returns once every thread is joined. Returns 0 or an errno
/// (also in `out->error`).
int cplainjob_populate(void *base, const size_t *offsets, const size_t *lengths, int count,
                       cplainjob_result *out);

#endif
