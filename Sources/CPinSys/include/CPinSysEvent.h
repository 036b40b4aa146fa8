// CPinSysEvent: a one-waiter, auto-reset wake-up event on a futex word, for the helper pool.
// A mutex and condition variable cost a lock round trip on both sides, and a signal that lands
// while the waiter is still on its way to sleep contends for the mutex; here the signaller
// makes one atomic exchange and a futex wake only when the waiter is really asleep.
#ifndef CPINSYS_EVENT_H
#define CPINSYS_EVENT_H

#include <stdint.h>

/// The word's states: no signal pending, a signal pending, the waiter asleep in futex_wait.
#define CPINSYS_EVENT_CLEAR 0u
#define CPINSYS_EVENT_SIGNALLED 1u
#define CPINSYS_EVENT_SLEEPING 2u

/// Makes a signal pending and wakes the waiter if it sleeps (`FUTEX_WAKE_PRIVATE`).
void cpinsys_event_signal(uint32_t *word);

/// Returns once a signal is pending, and consumes it; sleeps in `FUTEX_WAIT_PRIVATE` meanwhile.
/// At most one thread may wait on a word.
void cpinsys_event_wait(uint32_t *word);

#endif
