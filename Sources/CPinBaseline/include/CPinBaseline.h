// CPinBaseline: the same populate/lock/touch jobs as PinBench's `single` and `user`
// strategies, written as a plain C loop of the same syscalls with pthreads. PinBench runs it
// beside its own jobs (`pinbench run --baseline`) so its overhead is a ratio from one run.
#ifndef CPINBASELINE_H
#define CPINBASELINE_H

#include <stddef.h>

typedef enum {
    CPINBASELINE_POPULATE_WRITE = 0,
    CPINBASELINE_POPULATE_READ = 1,
    CPINBASELINE_MLOCK = 2,
    CPINBASELINE_TOUCH = 3,
} cpinbaseline_op;

typedef struct {
    double thread_start_seconds;
    double pin_seconds;
    double unpin_seconds;
    int error;  // 0, or the errno of the first failing call
} cpinbaseline_result;

/// Pins then unpins `[addr, addr + len)`. `threads == 0`: the caller does the whole range
/// (single). `threads >= 1`: that many pthreads, created for the job and held at a barrier,
/// each given a static slice of `unit`-sized pieces (QEMU's split; the last takes any tail).
/// `touch_stride` is the page size touched by CPINBASELINE_TOUCH.
/// `between(context)` runs after the pin phase and before the unpin phase, untimed (verification).
/// Returns 0 or an errno (also in `out->error`).
int cpinbaseline_run(void *addr, size_t len, size_t unit, int threads, cpinbaseline_op op,
                     size_t touch_stride, void (*between)(void *), void *context,
                     cpinbaseline_result *out);

#endif
