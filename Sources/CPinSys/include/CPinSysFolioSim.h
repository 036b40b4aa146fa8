// CPinSysFolioSim: the simulated memmap record of the foliosim backend and the atomic
// operations GUP does on it. Swift has no atomics on plain memory it does not own as an
// `Atomic`, so these few kernel primitives are C `static inline` functions; the walks and
// loops that call them are Swift (PinBackends/FolioSim).
#ifndef CPINSYS_FOLIOSIM_H
#define CPINSYS_FOLIOSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// One simulated `struct page`: 64 bytes, one cache line, with the fields GUP touches where
/// x86-64 Linux 6.x keeps them. A large folio keeps its order and `_pincount` in its second
/// record (`folio->_flags_1`, `folio->_pincount`), as the kernel does, so pinning a large
/// folio touches two cache lines and a small one touches one.
typedef struct cpinsys_sim_page {
    uint64_t flags;          // 0: PG_head on a large folio's head; page[1]: the folio order (low byte)
    uint64_t compound_head;  // 8: on tail pages, the head record's address | 1 (compound_head())
    int32_t pincount;        // 16: page[1] of a large folio: folio->_pincount
    uint32_t unused0;        // 20
    uint64_t mapping;        // 24
    uint64_t index;          // 32
    uint64_t private_data;   // 40
    int32_t mapcount;        // 48: _mapcount
    int32_t refcount;        // 52: _refcount
    uint64_t memcg_data;     // 56
} cpinsys_sim_page;

_Static_assert(sizeof(cpinsys_sim_page) == 64, "a memmap record is one 64-byte cache line, as struct page");
_Static_assert(offsetof(cpinsys_sim_page, compound_head) == 8, "compound_head at 8, as struct page");
_Static_assert(offsetof(cpinsys_sim_page, mapcount) == 48, "_mapcount at 48, as struct page");
_Static_assert(offsetof(cpinsys_sim_page, refcount) == 52, "_refcount at 52, as struct page");

/// PG_head's bit in 6.x `enum pageflags`.
#define CPINSYS_SIM_PG_HEAD (1ULL << 6)
/// GUP_PIN_COUNTING_BIAS: what one FOLL_PIN adds to a small folio's refcount.
#define CPINSYS_SIM_PIN_BIAS 1024

/// `page_folio()`: the head record of the folio `page` belongs to (READ_ONCE of compound_head).
static inline cpinsys_sim_page *cpinsys_sim_page_folio(cpinsys_sim_page *page) {
    uint64_t head = __atomic_load_n(&page->compound_head, __ATOMIC_RELAXED);
    return (head & 1) ? (cpinsys_sim_page *)(uintptr_t)(head - 1) : page;
}

/// Whether `folio` (a head record) is a large folio.
static inline bool cpinsys_sim_folio_test_large(const cpinsys_sim_page *folio) {
    return (__atomic_load_n(&folio->flags, __ATOMIC_RELAXED) & CPINSYS_SIM_PG_HEAD) != 0;
}

/// `folio_order()`: 0 for a small folio, else the low byte of the second record's flags.
static inline unsigned cpinsys_sim_folio_order(const cpinsys_sim_page *folio) {
    return cpinsys_sim_folio_test_large(folio) ? (unsigned)(folio[1].flags & 0xff) : 0;
}

/// `folio_ref_try_add()`: adds `refs` unless the refcount is 0 (a freed folio), with a
/// compare-exchange loop like `atomic_add_unless`; every lost race adds one to `*retries`.
static inline bool cpinsys_sim_ref_try_add(cpinsys_sim_page *folio, int32_t refs, uint64_t *retries) {
    int32_t old = __atomic_load_n(&folio->refcount, __ATOMIC_RELAXED);
    for (;;) {
        if (old == 0) return false;
        if (__atomic_compare_exchange_n(&folio->refcount, &old, old + refs, false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return true;
        *retries += 1;
    }
}

/// `folio_ref_add()`.
static inline void cpinsys_sim_ref_add(cpinsys_sim_page *folio, int32_t refs) {
    __atomic_fetch_add(&folio->refcount, refs, __ATOMIC_RELAXED);
}

/// `folio_ref_sub_return()`: the refcount after taking `refs` away.
static inline int32_t cpinsys_sim_ref_sub_return(cpinsys_sim_page *folio, int32_t refs) {
    return __atomic_sub_fetch(&folio->refcount, refs, __ATOMIC_RELAXED);
}

/// `atomic_add(refs, &folio->_pincount)` (the count lives in the second record).
static inline void cpinsys_sim_pincount_add(cpinsys_sim_page *folio, int32_t refs) {
    __atomic_fetch_add(&folio[1].pincount, refs, __ATOMIC_RELAXED);
}

/// `atomic_sub(refs, &folio->_pincount)`; returns the count left.
static inline int32_t cpinsys_sim_pincount_sub_return(cpinsys_sim_page *folio, int32_t refs) {
    return __atomic_sub_fetch(&folio[1].pincount, refs, __ATOMIC_RELAXED);
}

#endif
