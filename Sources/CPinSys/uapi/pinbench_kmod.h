/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The uAPI of PinBench's kernel module (/dev/pinbench), shared by the module (kmod/) and
 * CPinSys. Every size and offset is asserted here, so both sides build against one layout.
 */
#ifndef PINBENCH_KMOD_H
#define PINBENCH_KMOD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PINBENCH_KMOD_API_VERSION 4
#define PINBENCH_KMOD_MAX_WORKERS 64

/* pin flags */
#define PINBENCH_KMOD_PIN_LONGTERM (1U << 0) /* FOLL_LONGTERM */
#define PINBENCH_KMOD_PIN_WRITE (1U << 1)    /* FOLL_WRITE */
#define PINBENCH_KMOD_PIN_FAST (1U << 2)     /* worker 0 uses pin_user_pages_fast */
#define PINBENCH_KMOD_PIN_NUMA (1U << 3)     /* helpers round-robin over nodes with CPUs */
#define PINBENCH_KMOD_PIN_MEMFD (1U << 4)    /* memfd_pin_folios on memfd, not pin_user_pages */
#define PINBENCH_KMOD_PIN_MAP (1U << 5)      /* also map into the attached device's IOMMU domain */
#define PINBENCH_KMOD_PIN_FLAGS 0x3fU

/* STATUS features: what this build of the module can do */
#define PINBENCH_KMOD_FEATURE_MEMFD (1U << 0) /* memfd_pin_folios (6.11+) */
#define PINBENCH_KMOD_FEATURE_MAP (1U << 1)   /* the PCI driver and IOMMU mapping (iommu_paging_domain_alloc, 6.11+) */

/* unpin flags (a range pinned with PINBENCH_KMOD_PIN_MEMFD holds one pin per folio: unpin_folio) */
#define PINBENCH_KMOD_UNPIN_FOLIO (1U << 0) /* one unpin per folio, not per page */
#define PINBENCH_KMOD_UNPIN_FLAGS 0x1U

/*
 * What one worker did in one call; start and end are ns from the call's start (ktime). The
 * phase times split the worker's span: PIN: gup_ns in pin_user_pages*() or memfd_pin_folios(),
 * record_ns adding the pages to the run arrays, map_ns in iommu_map(); UNPIN: gup_ns unpinning,
 * map_ns in iommu_unmap() (each chunk unmapped before it is unpinned).
 */
struct pinbench_kmod_worker {
	__u64 start_ns;
	__u64 end_ns;
	__u64 chunks;
	__u64 pages;
	__u64 folios;
	__s32 cpu;
	__s32 node;
	__u64 gup_ns;
	__u64 record_ns;
	__u64 map_ns;
	__u64 map_calls;  /* iommu_map() (PIN) or iommu_unmap() (UNPIN) calls */
};

/*
 * A mapped range checked in the kernel, untimed. PIN: iommu_iova_to_phys() at the first and
 * last page of every mapped segment (one iommu_map() of physically contiguous pages) against
 * the pinned page; UNPIN: at the first and last page of every chunk, which must not resolve.
 */
struct pinbench_kmod_map_check {
	__u64 mapped_bytes;  /* PIN: mapped by this call; UNPIN: unmapped */
	__u64 segments;      /* PIN: iommu_map() calls; UNPIN: chunks unmapped */
	__u64 checked;       /* IOVAs looked up */
	__u64 wrong;         /* of those, resolving elsewhere (PIN) or still resolving (UNPIN) */
};

/*
 * Where one call's time went inside the module (ns); PINBENCH_KMOD_STATUS returns the last
 * PIN's and UNPIN's. ioctl_ns runs from the ioctl's entry to its return (the caller's own
 * figure minus it is the syscall round trip); setup_ns is the part before the workers start
 * (copy-in, allocations, the charge), work_ns the workers' span (total_ns), the sums are
 * the workers' phases added up, verify_ns the untimed check of the mapping, finish_ns the rest.
 */
struct pinbench_kmod_phases {
	__u64 ioctl_ns;
	__u64 setup_ns;
	__u64 work_ns;
	__u64 gup_ns;
	__u64 record_ns;
	__u64 map_ns;
	__u64 verify_ns;
	__u64 finish_ns;
};

/*
 * PINBENCH_KMOD_PIN: pins [addr, addr + length) of the caller's mm. The caller works as
 * worker 0 and workers - 1 helpers run on the unbound workqueue; all take chunk i, that is
 * [addr + i * chunk_bytes, addr + (i + 1) * chunk_bytes), from one shared cursor.
 * With PINBENCH_KMOD_PIN_MEMFD the chunks are the same bytes of memfd, which is mapped at
 * addr from memfd_offset, pinned per folio through memfd_pin_folios (no page-table walk).
 * With PINBENCH_KMOD_PIN_MAP (the file attached to a device) each worker also maps the
 * chunks it pinned into the device's IOMMU domain, addr + x at iova + x, one iommu_map() per
 * physically contiguous segment, and the mapping is checked (map_check) before the call returns.
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
	__u64 iova;       /* PINBENCH_KMOD_PIN_MAP: addr's IOVA, page-aligned */
	/* out */
	__u64 total_ns;
	__u64 pages;
	__u64 folios;
	__u64 run_bytes;  /* the module's run arrays (one record per folio run) holding the pins */
	struct pinbench_kmod_map_check map_check;
	struct pinbench_kmod_worker worker[PINBENCH_KMOD_MAX_WORKERS];
};

/*
 * PINBENCH_KMOD_UNPIN: unpins what PINBENCH_KMOD_PIN pinned, with the same plan shape; a mapped
 * range is unmapped chunk by chunk, each chunk before its pages are unpinned.
 */
struct pinbench_kmod_unpin {
	__u32 size;
	__u32 flags;      /* PINBENCH_KMOD_UNPIN_* */
	__u32 workers;
	__u32 reserved;
	/* out */
	__u64 total_ns;
	__u64 pages;
	__u64 folios;
	struct pinbench_kmod_map_check map_check;
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
	__u32 features;   /* PINBENCH_KMOD_FEATURE_* */
	__u32 devices;    /* devices bound to the module's PCI driver */
	__u64 mapped_bytes; /* this file's range mapped in its device's domain now */
	__u64 mapped_all; /* bytes mapped through every file, all devices */
	struct pinbench_kmod_phases pin_phases;   /* this file's last PIN */
	struct pinbench_kmod_phases unpin_phases; /* and its last UNPIN */
};

/*
 * PINBENCH_KMOD_ATTACH: attaches the file to a device bound to the module's PCI driver (by
 * driver_override), named by its PCI address ("0000:00:04.0"), so a PIN with
 * PINBENCH_KMOD_PIN_MAP maps into the device's IOMMU domain. With PINBENCH_KMOD_ATTACH_QUERY
 * it only describes the device. -ENODEV: no such device bound to the module; attaching a
 * device whose domain could not be made fails with domain_error; -EBUSY: the file is already
 * attached, or holds a pinned range.
 */
struct pinbench_kmod_attach {
	__u32 size;
	__u32 flags;      /* PINBENCH_KMOD_ATTACH_* */
	char device[32];  /* the PCI address, NUL-terminated */
	/* out */
	__s32 group;      /* IOMMU group number, -1 if none */
	__u32 group_devices; /* devices in that group, this one included */
	__s32 domain_error; /* 0, or why the device has no domain of the module's: -EXDEV it shares
			     * its group, -ENODEV no IOMMU, else the error of
			     * iommu_paging_domain_alloc() or iommu_attach_device() */
	__u32 domain_type; /* the domain's IOMMU_DOMAIN_* type */
	__u64 aperture_start;
	__u64 aperture_end;  /* inclusive */
	__u64 pgsize_bitmap;
	__u64 files;      /* files attached to the device now */
	__u64 mapped_bytes; /* bytes mapped in its domain now */
};

#define PINBENCH_KMOD_ATTACH_QUERY (1U << 0)
#define PINBENCH_KMOD_ATTACH_FLAGS 0x1U

#define PINBENCH_KMOD_IOCTL_BASE 'P'
#define PINBENCH_KMOD_STATUS _IOWR(PINBENCH_KMOD_IOCTL_BASE, 0, struct pinbench_kmod_status)
#define PINBENCH_KMOD_PIN _IOWR(PINBENCH_KMOD_IOCTL_BASE, 1, struct pinbench_kmod_pin)
#define PINBENCH_KMOD_UNPIN _IOWR(PINBENCH_KMOD_IOCTL_BASE, 2, struct pinbench_kmod_unpin)
#define PINBENCH_KMOD_ATTACH _IOWR(PINBENCH_KMOD_IOCTL_BASE, 3, struct pinbench_kmod_attach)

_Static_assert(sizeof(struct pinbench_kmod_worker) == 80, "worker record layout");
_Static_assert(sizeof(struct pinbench_kmod_map_check) == 32, "map check layout");
_Static_assert(sizeof(struct pinbench_kmod_phases) == 64, "phases layout");
_Static_assert(sizeof(struct pinbench_kmod_pin) == 128 + 80 * PINBENCH_KMOD_MAX_WORKERS, "pin layout");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_pin, memfd) == 40, "pin memfd fields");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_pin, iova) == 56, "pin iova");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_pin, total_ns) == 64, "pin out fields");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_pin, run_bytes) == 88, "pin run_bytes");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_pin, worker) == 128, "pin worker array");
_Static_assert(sizeof(struct pinbench_kmod_unpin) == 72 + 80 * PINBENCH_KMOD_MAX_WORKERS, "unpin layout");
_Static_assert(__builtin_offsetof(struct pinbench_kmod_unpin, worker) == 72, "unpin worker array");
_Static_assert(sizeof(struct pinbench_kmod_status) == 208, "status layout");
_Static_assert(sizeof(struct pinbench_kmod_attach) == 96, "attach layout");

#endif /* PINBENCH_KMOD_H */
