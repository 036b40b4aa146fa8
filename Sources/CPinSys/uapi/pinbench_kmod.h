/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The uAPI of PinBench's kernel module (/dev/pinbench), shared by the module (kmod/) and
 * CPinSys. Every size and offset is asserted here, so both sides build against one layout.
 */
#ifndef PINBENCH_KMOD_H
#define PINBENCH_KMOD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PINBENCH_KMOD_API_VERSION 3
#define PINBENCH_KMOD_MAX_WORKERS 64

/* pin flags */
#define PINBENCH_KMOD_PIN_LONGTERM (1U << 0) /* FOLL_LONGTERM */
#define PINBENCH_KMOD_PIN_WRITE (1U << 1)    /* FOLL_WRITE */
#define PINBENCH_KMOD_PIN_FAST (1U << 2)     /* worker 0 uses pin_user_pages_fast */
#define PINBENCH_KMOD_PIN_NUMA (1U << 3)     /* helpers round-robin over nodes with CPUs */
#define PINBENCH_KMOD_PIN_MEMFD (1U << 4)    /* memfd_pin_folios on memfd, not pin_user_pages */
#define PINBENCH_KMOD_PIN_FLAGS 0x1fU

/* unpin flags (a range pinned with PINBENCH_KMOD_PIN_MEMFD holds one pin per folio: unpin_folio) */
#define PINBENCH_KMOD_UNPIN_FOLIO (1U << 0) /* one unpin per folio, not per page */
#define PINBENCH_KMOD_UNPIN_FLAGS 0x1U

/* What one worker did in one call; times are ns from the call's start (ktime). */
struct pinbench_kmod_worker {
	__u64 start_ns;
	__u64 end_ns;
	__u64 chunks;
	__u64 pages;
	__u64 folios;
	__s32 cpu;
	__s32 node;
};

/*
 * PINBENCH_KMOD_PIN: pins [addr, addr + length) of the caller's mm. The caller works as
 * worker 0 and workers - 1 helpers run on the unbound workqueue; all take chunk i, that is
 * [addr + i * chunk_bytes, addr + (i + 1) * chunk_bytes), from one shared cursor.
 * With PINBENCH_KMOD_PIN_MEMFD the chunks are the same bytes of memfd, which is mapped at
 * addr from memfd_offset, pinned per folio through memfd_pin_folios (no page-table walk).
 */
struct pinbench_kmod_pin {
	__u32 size;       /* sizeof(struct pinbench_kmod_pin) */
	__u32 flags;      /* PINBENCH_KMOD_PIN_* */
	__u64 addr;       /* page-aligned */
	__u64 length;     /* page-aligned, > 0 */
	__u64 chunk_bytes; /* page-aligned, > 0 */
	__u32 workers;    /* 1..PINBENCH_KMOD_MAX_WORKERS */
	__u32 gup_batch;  /* pages (folios for memfd) per pin call; 0: 512 */
	__s32 memfd;      /* PINBENCH_KMOD_PIN_MEMFD: a shmem or hugetlbfs file descriptor */
	__u32 reserved;   /* 0 */
	__u64 memfd_offset; /* PINBENCH_KMOD_PIN_MEMFD: addr's offset in memfd, page-aligned */
	/* out */
	__u64 total_ns;
	__u64 pages;
	__u64 folios;
	__u64 run_bytes;  /* the module's run arrays (one record per folio run) holding the pins */
	struct pinbench_kmod_worker worker[PINBENCH_KMOD_MAX_WORKERS];
};

/* PINBENCH_KMOD_UNPIN: unpins what PINBENCH_KMOD_PIN pinned, with the same plan shape. */
struct pinbench_kmod_unpin {
	__u32 size;
	__u32 flags;      /* PINBENCH_KMOD_UNPIN_* */
	__u32 workers;
	__u32 reserved;
	/* out */
	__u64 total_ns;
	__u64 pages;
	__u64 folios;
	struct pinbench_kmod_worker worker[PINBENCH_KMOD_MAX_WORKERS];
};

/* PINBENCH_KMOD_STATUS: the uAPI version, and what this file holds pinned now. */
struct pinbench_kmod_status {
	__u32 size;
	__u32 version;
	__u64 pages;
	__u64 folios;
	__u64 chunks;
	__u64 files;      /* open /dev/pinbench files, all processes */
	__u64 pinned_pages_all; /* pages pinned through every open file */
	__u64 run_bytes;  /* this file's run arrays, as PINBENCH_KMOD_PIN returned it */
};

#define PINBENCH_KMOD_IOCTL_BASE 'P'
#define PINBENCH_KMOD_STATUS _IOWR(PINBENCH_KMOD_IOCTL_BASE, 0, struct pinbench_kmod_status)
#define PINBENCH_KMOD_PIN _IOWR(PINBENCH_KMOD_IOCTL_BASE, 1, struct pinbench_kmod_pin)
#define PINBENCH_KMOD_UNPIN _IOWR(PINBENCH_KMOD_IOCTL_BASE, 2, struct pinbench_kmod_unpin)

_Static_assert(sizeof(struct pinbench_kmod_worker) == 48, "worker record layout");
_Static_assert(sizeof(struct pinbench_kmod_pin) == 88 + 48 * PINBENCH_KMOD_MAX_WORKERS, "pin layout");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_pin, memfd) == 40, "pin memfd fields");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_pin, total_ns) == 56, "pin out fields");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_pin, run_bytes) == 80, "pin run_bytes");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_pin, worker) == 88, "pin worker array");
_Static_assert(sizeof(struct pinbench_kmod_unpin) == 40 + 48 * PINBENCH_KMOD_MAX_WORKERS, "unpin layout");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_unpin, worker) == 40, "unpin worker array");
_Static_assert(sizeof(struct pinbench_kmod_status) == 56, "status layout");

#endif /* PINBENCH_KMOD_H */
