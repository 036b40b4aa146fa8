#include "CPinSysEvent.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

void cpinsys_event_signal(uint32_t *word) {
    if (__atomic_exchange_n(word, CPINSYS_EVENT_SIGNALLED, __ATOMIC_RELEASE) == CPINSYS_EVENT_SLEEPING)
        syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void cpinsys_event_wait(uint32_t *word) {
    for (;;) {
        uint32_t state = __atomic_load_n(word, __ATOMIC_ACQUIRE);
        if (state == CPINSYS_EVENT_SIGNALLED) {
            if (__atomic_compare_exchange_n(word, &state, CPINSYS_EVENT_CLEAR, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                return;
            continue;
        }
        // Announce the sleep; a signal racing in turns the CAS or the futex_wait into a retry.
        if (state == CPINSYS_EVENT_CLEAR &&
            !__atomic_compare_exchange_n(word, &state, CPINSYS_EVENT_SLEEPING, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            continue;
        // Returns at once (EAGAIN) if the word is no longer SLEEPING; EINTR and spurious wakes loop.
        syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, CPINSYS_EVENT_SLEEPING, NULL, NULL, 0);
    }
}
