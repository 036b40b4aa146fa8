// SPDX-License-Identifier: GPL-2.0
/*
 * PinBench's kernel module: pins a user range of the caller's mm in the kernel, with
 * padata's semantics (the caller as worker 0 and helpers on the unbound workqueue taking
 * chunks from one shared cursor), and times itself with ktime. padata_do_multithreaded() is
 * __init-only in mainline, so no stock kernel can run it after boot; this can.
 *
 * One pinned range per open file. Pins are kept per folio run (first page and count), not as
 * one pointer per 4 KiB page, and are unpinned on PINBENCH_KMOD_UNPIN, on close and when the
 * process dies (its files are closed). A memfd range can instead be pinned through
 * memfd_pin_folios(), one pin per folio, which is then also how it is unpinned. Pinned pages are
 * charged to mm->pinned_vm against RLIMIT_MEMLOCK unless CAP_IPC_LOCK, as io_uring and iommufd
 * charge them.
 *
 * It is also a PCI driver that takes only devices given to it through driver_override. For each
 * it owns an unmanaged paging domain attached to the device (which must be alone in its IOMMU
 * group), and a file attached to the device maps what it pins into that domain, each worker the
 * chunks it pinned, as vfio_pin_map_dma() does: one iommu_map() per physically contiguous
 * segment. Unpinning unmaps each chunk first, the order a device needs.
 */

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/pci.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "pinbench_kmod.h"

#define PB_DEFAULT_BATCH 512
/* Up to 1 GiB of base pages per call (a 2 MiB array), so one call can match gup_test -n -1. */
#define PB_MAX_BATCH 262144
/* A chunk's first run array: 1 KiB, which holds 64 folios. */
#define PB_MIN_RUNS 64

/*
 * memfd_pin_folios() and unpin_folio() arrived in 6.11: Kbuild looks for them in the tree's
 * mm.h, and a kernel without them refuses PIN_MEMFD.
 */
#ifndef PB_HAVE_MEMFD_PIN
#define PB_HAVE_MEMFD_PIN 0
#endif

/*
 * iommu_paging_domain_alloc() arrived in 6.11 too; without it the PCI driver still binds, but
 * no domain is made and ATTACH refuses with -EOPNOTSUPP. device_has_driver_override() replaced
 * pci_dev->driver_override in 6.12's stable series (and mainline).
 */
#ifndef PB_HAVE_MAP
#define PB_HAVE_MAP 0
#endif
#ifndef PB_HAVE_DEV_OVERRIDE
#define PB_HAVE_DEV_OVERRIDE 0
#endif

/*
 * The unbound system workqueue is system_dfl_wq where the tree has it (mainline 6.18, Debian's
 * 6.12 too): the older name, system_unbound_wq, warns once there as deprecated.
 */
#ifdef PB_HAVE_DFL_WQ
#define pb_unbound_wq system_dfl_wq
#else
#define pb_unbound_wq system_unbound_wq
#endif

/* A run of pinned pages of one folio: pages first, first + 1, ... first + count - 1. */
struct pb_run {
	struct page *first;
	unsigned int count;
};

/*
 * The pins of one chunk. Its run array grows geometrically as runs are added, so it takes
 * about one record per folio, not one per page: a chunk of 2 MiB folios needs 1/512 of it.
 */
struct pb_chunk {
	struct pb_run *runs;
	unsigned long nr_runs;
	unsigned long max_runs;	/* the array's capacity */
	unsigned long pages;
	unsigned long mapped;	/* bytes mapped from the chunk's IOVA on */
	struct folio *folio;	/* the last run's folio, and the index its next page has */
	unsigned long next_idx;
};

/*
 * A device bound to the module's PCI driver, and its domain. Files attach to it; `files` and
 * each attached file's reservation are guarded by iova_lock (the innermost lock).
 */
struct pb_dev {
	struct list_head node;	/* in pb_devs */
	struct pci_dev *pdev;
	struct iommu_domain *domain;	/* NULL if domain_error */
	int domain_error;
	int group;
	unsigned int group_devices;
	spinlock_t iova_lock;
	struct list_head files;
	unsigned long nr_files;
	u64 mapped_bytes;
};

/*
 * pb_devs_lock guards the device list and which file is attached to which device; it is taken
 * before any file's lock. A file's dev pointer changes only with both held, so either keeps it.
 */
static DEFINE_MUTEX(pb_devs_lock);
static LIST_HEAD(pb_devs);
static atomic_t pb_nr_devs = ATOMIC_INIT(0);
static atomic64_t pb_mapped_all = ATOMIC64_INIT(0);

/* One file's pinned range. */
struct pb_file {
	struct mutex lock;	/* serializes pin, unpin, status and release */
	struct pb_dev *dev;	/* attached device, or NULL */
	struct list_head dev_node;	/* in dev->files */
	bool mapped;		/* the range is reserved, and (partly) mapped, at iova */
	unsigned long iova;	/* addr's IOVA */
	unsigned long map_length;	/* the reservation's length */
	unsigned long mapped_bytes;	/* mapped and checked, counted in the device's figure */
	struct pinbench_kmod_phases pin_phases;	/* the last calls', for STATUS */
	struct pinbench_kmod_phases unpin_phases;
	struct mm_struct *mm;	/* mmgrab'ed while pinned */
	unsigned long addr;
	unsigned long length;
	unsigned long chunk_bytes;
	unsigned long nr_chunks;
	struct pb_chunk *chunks;
	unsigned long pages;	/* charged to mm->pinned_vm */
	unsigned long folios;
	unsigned long run_bytes;	/* of the chunks' run arrays */
	bool folio_pins;	/* memfd_pin_folios: one pin per folio, not per page */
};

/* What the workers of one call share. */
struct pb_job {
	struct pb_file *file;
	struct mm_struct *mm;
	unsigned int gup_flags;
	unsigned int batch;
	bool fast;		/* worker 0 uses pin_user_pages_fast */
	bool folio_unpin;
	struct iommu_domain *domain;	/* map (pin) or unmap (unpin) into it, if set */
	int prot;		/* IOMMU_READ | IOMMU_WRITE as the pin was */
	struct file *memfd;	/* pin through memfd_pin_folios, if set */
	loff_t memfd_offset;	/* of the range's first byte */
	atomic_long_t cursor;	/* next chunk index */
	atomic_t error;		/* first error, 0 if none */
	atomic_t pending;	/* helpers not done yet */
	struct completion done;
	ktime_t start;
};

struct pb_worker {
	struct work_struct work;
	struct pb_job *job;
	bool pin;		/* pin or unpin */
	unsigned int index;
	unsigned long run_bytes;	/* run arrays of the chunks it pinned */
	size_t unmapped;	/* bytes it unmapped */
	struct pinbench_kmod_worker out;
};

static atomic_long_t pb_files = ATOMIC_LONG_INIT(0);
static atomic_long_t pb_pinned_all = ATOMIC_LONG_INIT(0);

/* -------------------------------------------------------------------------------------- */
/* Pinning one chunk */

/*
 * Makes room for one more run in the chunk's array, doubling it (from PB_MIN_RUNS, at most to
 * `limit`, the chunk's pages: no chunk has more runs than pages).
 */
static int pb_grow_runs(struct pb_chunk *chunk, unsigned long limit)
{
	unsigned long max_runs;
	struct pb_run *runs;

	if (chunk->nr_runs < chunk->max_runs)
		return 0;
	if (WARN_ON_ONCE(chunk->nr_runs >= limit))
		return -EINVAL;
	/* Not clamp(): a chunk of fewer pages than PB_MIN_RUNS has limit < PB_MIN_RUNS. */
	max_runs = min(max(chunk->max_runs * 2, (unsigned long)PB_MIN_RUNS), limit);
	runs = kvmalloc_array(max_runs, sizeof(*runs), GFP_KERNEL);
	if (!runs)
		return -ENOMEM;
	if (chunk->nr_runs)
		memcpy(runs, chunk->runs, chunk->nr_runs * sizeof(*runs));
	kvfree(chunk->runs);
	chunk->runs = runs;
	chunk->max_runs = max_runs;
	return 0;
}

/*
 * The page n after first, in first's folio. nth_page() is gone since 6.18, which made the pages
 * of one folio contiguous in the memory map on every configuration; before it, folio_page()
 * goes through the pfn where the map may be split (SPARSEMEM without VMEMMAP). folio_page() is
 * right on both, so one source builds on 6.12 and 7.2.
 */
static struct page *pb_page_after(struct page *first, unsigned long n)
{
	struct folio *folio = page_folio(first);

	return folio_page(folio, folio_page_idx(folio, first) + n);
}

/*
 * Appends pages[0..n) to the chunk's runs, merging pages that follow on in one folio. A run
 * goes on while each page is the one its folio has next: a pointer compare in a tight loop, so
 * only a run's first page is looked up (page_folio() reads the struct page, which GUP's huge
 * page paths never touch beyond a folio's first page). If the array cannot grow, the pages not
 * yet recorded are unpinned here (the recorded ones are the caller's to unpin with the chunk),
 * so nothing pinned is lost.
 */
static int pb_add_pages(struct pb_chunk *chunk, struct page **pages, long n,
			unsigned long limit, u64 *folios)
{
	long i = 0;
	int rc;

	while (i < n) {
		struct folio *folio = chunk->folio;

		if (folio) {
			unsigned long idx = chunk->next_idx, nr = folio_nr_pages(folio);
			long j = i;

			while (j < n && idx < nr && pages[j] == folio_page(folio, idx)) {
				j++;
				idx++;
			}
			if (j > i) {
				chunk->runs[chunk->nr_runs - 1].count += j - i;
				chunk->next_idx = idx;
				i = j;
				continue;
			}
		}
		rc = pb_grow_runs(chunk, limit);
		if (rc) {
			unpin_user_pages(pages + i, n - i);
			chunk->pages += i;
			return rc;
		}
		folio = page_folio(pages[i]);
		chunk->runs[chunk->nr_runs].first = pages[i];
		chunk->runs[chunk->nr_runs].count = 1;
		chunk->nr_runs++;
		chunk->folio = folio;
		chunk->next_idx = folio_page_idx(folio, pages[i]) + 1;
		(*folios)++;
		i++;
	}
	chunk->pages += n;
	return 0;
}

/*
 * Unpins a chunk's runs: per page, or per folio run; runs that memfd_pin_folios() pinned hold
 * one pin per folio whatever the mode.
 */
static void pb_unpin_chunk(struct pb_chunk *chunk, bool per_folio, bool folio_pins, u64 *folios)
{
	unsigned long r;
	unsigned int i;

	for (r = 0; r < chunk->nr_runs; r++) {
		struct pb_run *run = &chunk->runs[r];

		if (folio_pins) {
#if PB_HAVE_MEMFD_PIN
			unpin_folio(page_folio(run->first));
#endif
		} else if (per_folio) {
			unpin_user_page_range_dirty_lock(run->first, run->count, false);
		} else {
			for (i = 0; i < run->count; i++)
				unpin_user_page(pb_page_after(run->first, i));
		}
		(*folios)++;
		cond_resched();
	}
	kvfree(chunk->runs);
	chunk->runs = NULL;
	chunk->nr_runs = 0;
	chunk->max_runs = 0;
	chunk->pages = 0;
	chunk->folio = NULL;
}

/*
 * Pins chunk `index` in batches; mmap_lock is taken per batch, never across chunks. On failure
 * every page pinned is in the chunk's runs, for the caller to unpin.
 */
static int pb_pin_chunk(struct pb_job *job, unsigned long index, struct page **pages,
			bool fast, struct pb_worker *worker)
{
	struct pinbench_kmod_worker *out = &worker->out;
	struct pb_file *file = job->file;
	struct pb_chunk *chunk = &file->chunks[index];
	unsigned long start = file->addr + index * file->chunk_bytes;
	unsigned long end = min(start + file->chunk_bytes, file->addr + file->length);
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	unsigned long done = 0;
	int rc;

	while (done < npages) {
		unsigned long want = min_t(unsigned long, npages - done, job->batch);
		unsigned long at = start + (done << PAGE_SHIFT);
		long got;

		ktime_t t0, t1;

		if (fatal_signal_pending(current))
			return -EINTR;
		t0 = ktime_get();
		if (fast) {
			got = pin_user_pages_fast(at, want, job->gup_flags, pages);
		} else {
			int locked = 1;

			mmap_read_lock(job->mm);
			got = pin_user_pages_remote(job->mm, at, want, job->gup_flags, pages, &locked);
			if (locked)
				mmap_read_unlock(job->mm);
		}
		t1 = ktime_get();
		out->gup_ns += ktime_to_ns(ktime_sub(t1, t0));
		if (got <= 0)
			return got ? (int)got : -EFAULT;
		rc = pb_add_pages(chunk, pages, got, npages, &out->folios);
		out->record_ns += ktime_to_ns(ktime_sub(ktime_get(), t1));
		if (rc)
			return rc;
		done += got;
		out->pages += got;
		cond_resched();
	}
	out->chunks++;
	worker->run_bytes += chunk->max_runs * sizeof(*chunk->runs);
	return 0;
}

/*
 * Pins chunk `index` of a memfd range, up to job->batch folios per memfd_pin_folios() call:
 * one pin per folio, and one run per folio for the pages of it the chunk covers. On failure
 * every folio pinned is in the chunk's runs, for the caller to unpin.
 */
static int pb_pin_memfd_chunk(struct pb_job *job, unsigned long index, struct folio **folios,
			      struct pb_worker *worker)
{
#if PB_HAVE_MEMFD_PIN
	struct pinbench_kmod_worker *out = &worker->out;
	struct pb_file *file = job->file;
	struct pb_chunk *chunk = &file->chunks[index];
	unsigned long start = index * file->chunk_bytes;
	unsigned long end = min(start + file->chunk_bytes, file->length);
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	unsigned long left = npages;
	loff_t pos = job->memfd_offset + start;

	while (left) {
		pgoff_t skip_bytes;
		long got, i;
		int rc;

		ktime_t t1;

		if (fatal_signal_pending(current))
			return -EINTR;
		t1 = ktime_get();
		got = memfd_pin_folios(job->memfd, pos, pos + (left << PAGE_SHIFT) - 1, folios,
				       job->batch, &skip_bytes);
		out->gup_ns += ktime_to_ns(ktime_sub(ktime_get(), t1));
		t1 = ktime_get();
		if (got <= 0)
			return got ? (int)got : -EFAULT;
		for (i = 0; i < got; i++) {
			unsigned long skip = i ? 0 : skip_bytes >> PAGE_SHIFT;
			unsigned long count = min(folio_nr_pages(folios[i]) - skip, left);

			if (!count) {	/* past the range: not ours to keep */
				unpin_folio(folios[i]);
				continue;
			}
			rc = pb_grow_runs(chunk, npages);
			if (rc) {
				/* Unpin what is not recorded; the runs go with the chunk. */
				while (i < got)
					unpin_folio(folios[i++]);
				return rc;
			}
			chunk->runs[chunk->nr_runs].first = folio_page(folios[i], skip);
			chunk->runs[chunk->nr_runs].count = count;
			chunk->nr_runs++;
			chunk->pages += count;
			out->pages += count;
			out->folios++;
			left -= count;
			pos += (loff_t)count << PAGE_SHIFT;
		}
		out->record_ns += ktime_to_ns(ktime_sub(ktime_get(), t1));
		cond_resched();
	}
	out->chunks++;
	worker->run_bytes += chunk->max_runs * sizeof(*chunk->runs);
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}

/* -------------------------------------------------------------------------------------- */
/* Mapping one chunk */

/* A physically contiguous stretch of a chunk's runs, and where it goes. */
struct pb_segment {
	unsigned long iova;
	phys_addr_t phys;
	size_t len;
};

/* What is done to each segment; embedded in the caller's context (container_of). */
struct pb_segment_op {
	int (*fn)(struct pb_segment_op *op, const struct pb_segment *seg);
};

/*
 * Calls op->fn on each physically contiguous segment of the chunk's runs, the chunk's first
 * byte at iova, in order; stops at the first error.
 */
static int pb_walk_segments(const struct pb_chunk *chunk, unsigned long iova,
			       struct pb_segment_op *op)
{
	struct pb_segment seg = { .iova = iova };
	unsigned long r;
	int rc;

	for (r = 0; r < chunk->nr_runs; r++) {
		phys_addr_t phys = page_to_phys(chunk->runs[r].first);
		size_t size = (size_t)chunk->runs[r].count << PAGE_SHIFT;

		if (seg.len && phys == seg.phys + seg.len) {
			seg.len += size;
			continue;
		}
		if (seg.len) {
			rc = op->fn(op, &seg);
			if (rc)
				return rc;
			seg.iova += seg.len;
		}
		seg.phys = phys;
		seg.len = size;
	}
	return seg.len ? op->fn(op, &seg) : 0;
}

struct pb_map_ctx {
	struct pb_segment_op op;
	struct pb_job *job;
	struct pb_chunk *chunk;
	u64 *calls;
};

static int pb_map_segment(struct pb_segment_op *op, const struct pb_segment *seg)
{
	struct pb_map_ctx *map = container_of(op, struct pb_map_ctx, op);
	int rc;

	rc = iommu_map(map->job->domain, seg->iova, seg->phys, seg->len, map->job->prot,
		       GFP_KERNEL_ACCOUNT);
	if (rc)
		return rc;
	map->chunk->mapped += seg->len;
	(*map->calls)++;
	return 0;
}

/*
 * Maps a pinned chunk at iova, one iommu_map() per physically contiguous segment, as
 * vfio_pin_map_dma() maps each contiguous stretch it pinned; chunk->mapped says how far it got
 * (iommu_map() undoes its own part on failure).
 */
static int pb_map_chunk(struct pb_job *job, struct pb_chunk *chunk, unsigned long iova,
			struct pinbench_kmod_worker *out)
{
	struct pb_map_ctx map = {
		.op.fn = pb_map_segment, .job = job, .chunk = chunk, .calls = &out->map_calls,
	};
	ktime_t t0 = ktime_get();
	int rc;

	rc = pb_walk_segments(chunk, iova, &map.op);
	out->map_ns += ktime_to_ns(ktime_sub(ktime_get(), t0));
	return rc;
}

/* The IOVA of chunk `index`: the range's IOVA mirrors its addresses. */
static unsigned long pb_chunk_iova(const struct pb_file *file, unsigned long index)
{
	return file->iova + index * file->chunk_bytes;
}

/* Unmaps what is mapped of chunk `index` (one IOTLB sync); the bytes unmapped. */
static size_t pb_unmap_chunk(struct pb_file *file, struct iommu_domain *domain,
			     unsigned long index)
{
	struct pb_chunk *chunk = &file->chunks[index];
	size_t unmapped;

	if (!chunk->mapped)
		return 0;
	unmapped = iommu_unmap(domain, pb_chunk_iova(file, index), chunk->mapped);
	chunk->mapped = 0;
	return unmapped;
}

/* -------------------------------------------------------------------------------------- */
/* Workers */

static void pb_work(struct pb_job *job, struct pb_worker *worker)
{
	struct pb_file *file = job->file;
	void **batch = NULL;	/* pages, or folios for memfd */
	unsigned long index;
	int cpu = raw_smp_processor_id();

	worker->out.cpu = cpu;
	worker->out.node = cpu_to_node(cpu);
	worker->out.start_ns = ktime_to_ns(ktime_sub(ktime_get(), job->start));
	if (worker->pin) {
		batch = kvmalloc_array(job->batch, sizeof(*batch), GFP_KERNEL);
		if (!batch) {
			atomic_cmpxchg(&job->error, 0, -ENOMEM);
			goto out;
		}
	}
	while (!atomic_read(&job->error)) {
		index = atomic_long_fetch_add(1, &job->cursor);
		if (index >= file->nr_chunks)
			break;
		if (worker->pin) {
			int rc;

			/* Only the caller's own thread may take the fast path: it walks current->mm. */
			if (job->memfd)
				rc = pb_pin_memfd_chunk(job, index, (struct folio **)batch, worker);
			else
				rc = pb_pin_chunk(job, index, (struct page **)batch,
						  job->fast && worker->index == 0, worker);
			if (!rc && job->domain)
				rc = pb_map_chunk(job, &file->chunks[index],
						  pb_chunk_iova(file, index), &worker->out);
			if (rc)
				atomic_cmpxchg(&job->error, 0, rc);
		} else {
			ktime_t t0 = ktime_get(), t1;

			/* The device must lose the IOVAs before the pages can go. */
			if (job->domain) {
				worker->unmapped += pb_unmap_chunk(file, job->domain, index);
				worker->out.map_calls++;
			}
			t1 = ktime_get();
			worker->out.map_ns += ktime_to_ns(ktime_sub(t1, t0));
			worker->out.pages += file->chunks[index].pages;
			pb_unpin_chunk(&file->chunks[index], job->folio_unpin, file->folio_pins,
				       &worker->out.folios);
			worker->out.gup_ns += ktime_to_ns(ktime_sub(ktime_get(), t1));
			worker->out.chunks++;
		}
	}
	kvfree(batch);
out:
	worker->out.end_ns = ktime_to_ns(ktime_sub(ktime_get(), job->start));
}

static void pb_helper(struct work_struct *work)
{
	struct pb_worker *worker = container_of(work, struct pb_worker, work);
	struct pb_job *job = worker->job;

	/* pin_user_pages_remote() takes the caller's mm: the helper never switches to it. */
	pb_work(job, worker);
	if (atomic_dec_and_test(&job->pending))
		complete(&job->done);
}

/*
 * Runs `nr` workers over the file's chunks: the caller as worker 0, the others queued on the
 * unbound workqueue (round-robin over nodes with CPUs when `numa`), and waits for them.
 */
static void pb_run_workers(struct pb_job *job, struct pb_worker *workers, unsigned int nr,
			   bool pin, bool numa)
{
	int node = first_node(node_states[N_CPU]);
	unsigned int i;

	atomic_long_set(&job->cursor, 0);
	atomic_set(&job->pending, nr - 1);
	init_completion(&job->done);
	job->start = ktime_get();
	for (i = 0; i < nr; i++) {
		workers[i].job = job;
		workers[i].pin = pin;
		workers[i].index = i;
	}
	for (i = 1; i < nr; i++) {
		INIT_WORK(&workers[i].work, pb_helper);
		if (numa) {
			node = next_node_in(node, node_states[N_CPU]);
			queue_work_node(node, pb_unbound_wq, &workers[i].work);
		} else {
			queue_work(pb_unbound_wq, &workers[i].work);
		}
	}
	pb_work(job, &workers[0]);
	if (nr > 1)
		wait_for_completion(&job->done);
}

/* -------------------------------------------------------------------------------------- */
/* Accounting */

static int pb_charge(struct mm_struct *mm, unsigned long pages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 now = atomic64_add_return(pages, &mm->pinned_vm);

	if (!capable(CAP_IPC_LOCK) && now > limit) {
		atomic64_sub(pages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

static void pb_uncharge(struct mm_struct *mm, unsigned long pages)
{
	atomic64_sub(pages, &mm->pinned_vm);
}

/*
 * Copies the workers' records out and sums what they handled, and their phases into `phases`;
 * the call's time is from the job's start to now.
 */
static void pb_collect(const struct pb_job *job, const struct pb_worker *workers, unsigned int nr,
		       struct pinbench_kmod_worker *out, __u64 *total_ns, __u64 *pages, __u64 *folios,
		       struct pinbench_kmod_phases *phases)
{
	unsigned int i;

	*total_ns = ktime_to_ns(ktime_sub(ktime_get(), job->start));
	*pages = 0;
	*folios = 0;
	phases->work_ns = *total_ns;
	phases->gup_ns = 0;
	phases->record_ns = 0;
	phases->map_ns = 0;
	for (i = 0; i < nr; i++) {
		if (out)
			out[i] = workers[i].out;
		*pages += workers[i].out.pages;
		*folios += workers[i].out.folios;
		phases->gup_ns += workers[i].out.gup_ns;
		phases->record_ns += workers[i].out.record_ns;
		phases->map_ns += workers[i].out.map_ns;
	}
}

/* The bytes of run arrays the workers' chunks hold: what the range's pins cost the kernel. */
static unsigned long pb_run_bytes(const struct pb_worker *workers, unsigned int nr)
{
	unsigned long bytes = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		bytes += workers[i].run_bytes;
	return bytes;
}

/* -------------------------------------------------------------------------------------- */
/* The file's IOVA range in its device's domain */

/*
 * Reserves [iova, iova + length) of the device's domain for the file: -EEXIST where another
 * file's range is, -ERANGE outside the domain's aperture.
 */
static int pb_reserve(struct pb_file *file, struct pb_dev *dev, unsigned long iova,
		      unsigned long length)
{
	struct iommu_domain_geometry *geo = &dev->domain->geometry;
	struct pb_file *other;
	int rc = 0;

	if (geo->force_aperture &&
	    (iova < geo->aperture_start || iova + length - 1 > geo->aperture_end))
		return -ERANGE;
	spin_lock(&dev->iova_lock);
	list_for_each_entry(other, &dev->files, dev_node) {
		if (other != file && other->mapped && iova < other->iova + other->map_length &&
		    other->iova < iova + length) {
			rc = -EEXIST;
			break;
		}
	}
	if (!rc) {
		file->mapped = true;
		file->iova = iova;
		file->map_length = length;
	}
	spin_unlock(&dev->iova_lock);
	return rc;
}

/* Gives the file's IOVA range back, once nothing of it is mapped. */
static void pb_unreserve(struct pb_file *file)
{
	struct pb_dev *dev = file->dev;

	spin_lock(&dev->iova_lock);
	dev->mapped_bytes -= file->mapped_bytes;
	file->mapped = false;
	file->map_length = 0;
	spin_unlock(&dev->iova_lock);
	atomic64_sub(file->mapped_bytes, &pb_mapped_all);
	file->mapped_bytes = 0;
}

/* Unmaps every chunk of the file's range, on the caller: for a failed pin and an unbind. */
static size_t pb_unmap_all(struct pb_file *file)
{
	size_t unmapped = 0;
	unsigned long i;

	for (i = 0; i < file->nr_chunks; i++)
		unmapped += pb_unmap_chunk(file, file->dev->domain, i);
	return unmapped;
}

struct pb_check_ctx {
	struct pb_segment_op op;
	struct iommu_domain *domain;
	struct pinbench_kmod_map_check *check;
};

static int pb_check_segment(struct pb_segment_op *op, const struct pb_segment *seg)
{
	struct pb_check_ctx *c = container_of(op, struct pb_check_ctx, op);
	unsigned long last = seg->len - PAGE_SIZE;

	c->check->segments++;
	c->check->checked += 2;
	if (iommu_iova_to_phys(c->domain, seg->iova) != seg->phys)
		c->check->wrong++;
	if (iommu_iova_to_phys(c->domain, seg->iova + last) != seg->phys + last)
		c->check->wrong++;
	return 0;
}

/*
 * The mapped range as the domain sees it: the first and last page of every segment resolve to
 * the pinned pages (segments counts the iommu_map() calls the workers made).
 */
static void pb_check_mapped(struct pb_file *file, struct pinbench_kmod_map_check *check)
{
	struct pb_check_ctx ctx = {
		.op.fn = pb_check_segment, .domain = file->dev->domain, .check = check,
	};
	unsigned long i;

	for (i = 0; i < file->nr_chunks; i++) {
		check->mapped_bytes += file->chunks[i].mapped;
		pb_walk_segments(&file->chunks[i], pb_chunk_iova(file, i), &ctx.op);
		cond_resched();
	}
}

/* After an unmap, the first and last page of every chunk must resolve to nothing. */
static void pb_check_unmapped(struct pb_file *file, struct iommu_domain *domain,
			      struct pinbench_kmod_map_check *check)
{
	unsigned long i;

	for (i = 0; i < file->nr_chunks; i++) {
		unsigned long iova = pb_chunk_iova(file, i);
		unsigned long len = min(file->chunk_bytes, file->length - i * file->chunk_bytes);

		check->checked += 2;
		check->wrong += !!iommu_iova_to_phys(domain, iova);
		check->wrong += !!iommu_iova_to_phys(domain, iova + len - PAGE_SIZE);
	}
}

/* -------------------------------------------------------------------------------------- */
/* Unpin, shared by the ioctl and release */

/* Drops the file's range once nothing of it is pinned: the charge, the mm, the chunk table. */
static void pb_forget(struct pb_file *file, unsigned long charged)
{
	pb_uncharge(file->mm, charged);
	mmdrop(file->mm);
	kvfree(file->chunks);
	file->chunks = NULL;
	file->mm = NULL;
	file->nr_chunks = 0;
	file->pages = 0;
	file->folios = 0;
	file->run_bytes = 0;
	file->folio_pins = false;
}

/*
 * Unmaps (if mapped) and unpins the file's range with `nr` workers, each chunk unmapped before
 * it is unpinned; the answer goes to req if given.
 */
static void pb_unpin_all(struct pb_file *file, struct pinbench_kmod_unpin *req, unsigned int nr,
			 bool folio_unpin, struct pb_worker *workers)
{
	struct pb_job job = { .file = file, .mm = file->mm, .folio_unpin = folio_unpin };
	struct pinbench_kmod_map_check check = {};
	struct pinbench_kmod_phases *phases = &file->unpin_phases;
	__u64 total_ns, pages, folios;
	unsigned int i;
	ktime_t t0;

	if (file->mapped)
		job.domain = file->dev->domain;
	pb_run_workers(&job, workers, nr, false, false);
	pb_collect(&job, workers, nr, req ? req->worker : NULL, &total_ns, &pages, &folios, phases);
	t0 = ktime_get();
	if (job.domain) {
		for (i = 0; i < nr; i++)
			check.mapped_bytes += workers[i].unmapped;
		check.segments = file->nr_chunks;
		pb_check_unmapped(file, job.domain, &check);
		pb_unreserve(file);
	}
	phases->verify_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	if (req) {
		req->total_ns = total_ns;
		req->pages = pages;
		req->folios = folios;
		req->map_check = check;
	}
	atomic_long_sub(file->pages, &pb_pinned_all);
	pb_forget(file, file->pages);
}

/* Unmaps and unpins what a failed pin left, chunk by chunk, on the caller. */
static void pb_unpin_partial(struct pb_file *file)
{
	unsigned long i;
	u64 folios = 0;

	if (file->mapped) {
		pb_unmap_all(file);
		pb_unreserve(file);
	}
	for (i = 0; i < file->nr_chunks; i++)
		if (file->chunks[i].runs)
			pb_unpin_chunk(&file->chunks[i], true, file->folio_pins, &folios);
}

/* -------------------------------------------------------------------------------------- */
/* ioctls */

static long pb_ioctl_pin(struct pb_file *file, void __user *arg, ktime_t entry)
{
	struct pinbench_kmod_phases *phases = &file->pin_phases;
	struct pinbench_kmod_pin *req;
	struct pb_worker *workers;
	struct pb_job job = {};
	unsigned long pages;
	ktime_t t0;
	u64 end;
	long rc;

	memset(phases, 0, sizeof(*phases));
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	workers = kcalloc(PINBENCH_KMOD_MAX_WORKERS, sizeof(*workers), GFP_KERNEL);
	rc = -ENOMEM;
	if (!req || !workers)
		goto out_free;
	rc = -EFAULT;
	if (copy_from_user(req, arg, sizeof(*req)))
		goto out_free;
	rc = -EINVAL;
	if (req->size != sizeof(*req) || req->flags & ~PINBENCH_KMOD_PIN_FLAGS)
		goto out_free;
	if (!req->length || !PAGE_ALIGNED(req->addr) || !PAGE_ALIGNED(req->length) ||
	    !req->chunk_bytes || !PAGE_ALIGNED(req->chunk_bytes) ||
	    check_add_overflow(req->addr, req->length, &end) || end > TASK_SIZE)
		goto out_free;
	if (!req->workers || req->workers > PINBENCH_KMOD_MAX_WORKERS ||
	    req->gup_batch > PB_MAX_BATCH || req->reserved)
		goto out_free;
	if (req->flags & PINBENCH_KMOD_PIN_MEMFD &&
	    (req->flags & PINBENCH_KMOD_PIN_FAST || !PAGE_ALIGNED(req->memfd_offset) ||
	     check_add_overflow(req->memfd_offset, req->length, &end) || end > LLONG_MAX))
		goto out_free;
	if (req->flags & PINBENCH_KMOD_PIN_MAP &&
	    (!PAGE_ALIGNED(req->iova) || check_add_overflow(req->iova, req->length, &end)))
		goto out_free;
	rc = -EBUSY;
	if (file->chunks)
		goto out_free;	/* one pinned range per file */
	/* Mapping needs the file attached to a device (PINBENCH_KMOD_ATTACH) still bound. */
	rc = -ENXIO;
	if (req->flags & PINBENCH_KMOD_PIN_MAP && !file->dev)
		goto out_free;

	if (req->flags & PINBENCH_KMOD_PIN_MEMFD) {
		rc = -EOPNOTSUPP;
		if (!PB_HAVE_MEMFD_PIN)
			goto out_free;
		job.memfd = fget(req->memfd);
		rc = -EBADF;
		if (!job.memfd)
			goto out_free;
		job.memfd_offset = req->memfd_offset;
	}
	pages = req->length >> PAGE_SHIFT;
	rc = pb_charge(current->mm, pages);
	if (rc)
		goto out_free;
	file->nr_chunks = DIV_ROUND_UP(req->length, req->chunk_bytes);
	file->chunks = kvcalloc(file->nr_chunks, sizeof(*file->chunks), GFP_KERNEL);
	if (!file->chunks) {
		pb_uncharge(current->mm, pages);
		rc = -ENOMEM;
		goto out_free;
	}
	file->addr = req->addr;
	file->length = req->length;
	file->chunk_bytes = req->chunk_bytes;
	file->mm = current->mm;
	file->folio_pins = job.memfd;
	mmgrab(file->mm);

	job.file = file;
	job.mm = file->mm;
	job.gup_flags = (req->flags & PINBENCH_KMOD_PIN_LONGTERM ? FOLL_LONGTERM : 0) |
			(req->flags & PINBENCH_KMOD_PIN_WRITE ? FOLL_WRITE : 0);
	job.batch = req->gup_batch ? req->gup_batch : PB_DEFAULT_BATCH;
	job.fast = req->flags & PINBENCH_KMOD_PIN_FAST;
	if (req->flags & PINBENCH_KMOD_PIN_MAP) {
		rc = pb_reserve(file, file->dev, req->iova, req->length);
		if (rc)
			goto out_undo;
		job.domain = file->dev->domain;
		job.prot = IOMMU_READ | (req->flags & PINBENCH_KMOD_PIN_WRITE ? IOMMU_WRITE : 0);
	}
	/* Helpers need the mm alive while they pin; the caller waits for them in this call. */
	if (!mmget_not_zero(file->mm)) {
		rc = -ESRCH;
		goto out_undo;
	}
	pb_run_workers(&job, workers, req->workers, true, req->flags & PINBENCH_KMOD_PIN_NUMA);
	mmput(file->mm);
	pb_collect(&job, workers, req->workers, req->worker, &req->total_ns, &req->pages, &req->folios,
		   phases);
	phases->setup_ns = ktime_to_ns(ktime_sub(job.start, entry));
	rc = atomic_read(&job.error);
	if (rc)
		goto out_undo;

	/* Untimed: the domain's own view of what was mapped. */
	t0 = ktime_get();
	if (job.domain) {
		pb_check_mapped(file, &req->map_check);
		file->mapped_bytes = req->map_check.mapped_bytes;
		spin_lock(&file->dev->iova_lock);
		file->dev->mapped_bytes += file->mapped_bytes;
		spin_unlock(&file->dev->iova_lock);
		atomic64_add(file->mapped_bytes, &pb_mapped_all);
	}
	phases->verify_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	file->pages = pages;
	file->folios = req->folios;
	file->run_bytes = pb_run_bytes(workers, req->workers);
	req->run_bytes = file->run_bytes;
	atomic_long_add(pages, &pb_pinned_all);
	if (copy_to_user(arg, req, sizeof(*req))) {
		/* The pins stand; the caller learns of them through STATUS and unpins them. */
		rc = -EFAULT;
		goto out_free;
	}
	rc = 0;
	goto out_free;

out_undo:
	pb_unpin_partial(file);
	pb_forget(file, pages);
out_free:
	if (job.memfd)
		fput(job.memfd);
	kfree(workers);
	kfree(req);
	return rc;
}

static long pb_ioctl_unpin(struct pb_file *file, void __user *arg, ktime_t entry)
{
	struct pinbench_kmod_unpin *req;
	struct pb_worker *workers;
	long rc;

	memset(&file->unpin_phases, 0, sizeof(file->unpin_phases));
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	workers = kcalloc(PINBENCH_KMOD_MAX_WORKERS, sizeof(*workers), GFP_KERNEL);
	rc = -ENOMEM;
	if (!req || !workers)
		goto out;
	rc = -EFAULT;
	if (copy_from_user(req, arg, sizeof(*req)))
		goto out;
	rc = -EINVAL;
	if (req->size != sizeof(*req) || req->flags & ~PINBENCH_KMOD_UNPIN_FLAGS ||
	    !req->workers || req->workers > PINBENCH_KMOD_MAX_WORKERS || req->reserved)
		goto out;
	rc = -ENOENT;
	if (!file->chunks)
		goto out;
	file->unpin_phases.setup_ns = ktime_to_ns(ktime_sub(ktime_get(), entry));
	pb_unpin_all(file, req, req->workers, req->flags & PINBENCH_KMOD_UNPIN_FOLIO, workers);
	rc = copy_to_user(arg, req, sizeof(*req)) ? -EFAULT : 0;
out:
	kfree(workers);
	kfree(req);
	return rc;
}

static long pb_ioctl_status(struct pb_file *file, void __user *arg)
{
	struct pinbench_kmod_status status;

	if (copy_from_user(&status, arg, sizeof(status)))
		return -EFAULT;
	if (status.size != sizeof(status))
		return -EINVAL;
	status.version = PINBENCH_KMOD_API_VERSION;
	status.pages = file->pages;
	status.folios = file->folios;
	status.chunks = file->nr_chunks;
	status.run_bytes = file->run_bytes;
	status.files = atomic_long_read(&pb_files);
	status.pinned_pages_all = atomic_long_read(&pb_pinned_all);
	status.features = (PB_HAVE_MEMFD_PIN ? PINBENCH_KMOD_FEATURE_MEMFD : 0) |
			  (PB_HAVE_MAP ? PINBENCH_KMOD_FEATURE_MAP : 0);
	status.devices = atomic_read(&pb_nr_devs);
	status.mapped_bytes = file->mapped_bytes;
	status.mapped_all = atomic64_read(&pb_mapped_all);
	status.pin_phases = file->pin_phases;
	status.unpin_phases = file->unpin_phases;
	return copy_to_user(arg, &status, sizeof(status)) ? -EFAULT : 0;
}

/* Describes the device in req; pb_devs_lock held. */
static void pb_describe(const struct pb_dev *dev, struct pinbench_kmod_attach *req)
{
	req->group = dev->group;
	req->group_devices = dev->group_devices;
	req->domain_error = dev->domain_error;
	if (dev->domain) {
		req->domain_type = dev->domain->type;
		req->aperture_start = dev->domain->geometry.aperture_start;
		req->aperture_end = dev->domain->geometry.aperture_end;
		req->pgsize_bitmap = dev->domain->pgsize_bitmap;
	}
	req->files = dev->nr_files;
	req->mapped_bytes = dev->mapped_bytes;
}

/*
 * ATTACH takes pb_devs_lock before the file's lock (the order pb_remove() takes them in), so it
 * runs outside pb_ioctl()'s locking.
 */
static long pb_ioctl_attach(struct pb_file *file, void __user *arg)
{
	struct pinbench_kmod_attach req;
	struct pb_dev *dev, *found = NULL;
	long rc;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.size != sizeof(req) || req.flags & ~PINBENCH_KMOD_ATTACH_FLAGS ||
	    !memchr(req.device, 0, sizeof(req.device)))
		return -EINVAL;
	mutex_lock(&pb_devs_lock);
	list_for_each_entry(dev, &pb_devs, node) {
		if (!strcmp(pci_name(dev->pdev), req.device)) {
			found = dev;
			break;
		}
	}
	rc = -ENODEV;
	if (!found)
		goto out;
	rc = 0;
	if (!(req.flags & PINBENCH_KMOD_ATTACH_QUERY)) {
		mutex_lock(&file->lock);
		if (file->mm && file->mm != current->mm)
			rc = -EPERM;
		else if (file->dev == found)
			rc = 0;
		else if (file->dev || file->chunks)
			rc = -EBUSY;
		else if (found->domain_error)
			rc = found->domain_error;
		else {
			spin_lock(&found->iova_lock);
			list_add_tail(&file->dev_node, &found->files);
			found->nr_files++;
			spin_unlock(&found->iova_lock);
			file->dev = found;
		}
		mutex_unlock(&file->lock);
	}
	pb_describe(found, &req);
out:
	mutex_unlock(&pb_devs_lock);
	if (rc)
		return rc;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

/* Takes the file off its device; pb_devs_lock and the file's lock held, nothing mapped. */
static void pb_detach(struct pb_file *file)
{
	struct pb_dev *dev = file->dev;

	spin_lock(&dev->iova_lock);
	list_del_init(&file->dev_node);
	dev->nr_files--;
	spin_unlock(&dev->iova_lock);
	file->dev = NULL;
}

/* Ends a call's phases: the ioctl's time from entry, and what its named phases leave over. */
static void pb_close_phases(struct pinbench_kmod_phases *phases, ktime_t entry)
{
	phases->ioctl_ns = ktime_to_ns(ktime_sub(ktime_get(), entry));
	phases->finish_ns = phases->ioctl_ns -
		min(phases->ioctl_ns, phases->setup_ns + phases->work_ns + phases->verify_ns);
}

static long pb_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct pb_file *file = filp->private_data;
	ktime_t entry = ktime_get();
	long rc;

	if (cmd == PINBENCH_KMOD_ATTACH)
		return pb_ioctl_attach(file, (void __user *)arg);
	mutex_lock(&file->lock);
	/* Pins belong to the mm that made them: another process sharing the file may not touch them. */
	if (file->mm && file->mm != current->mm) {
		mutex_unlock(&file->lock);
		return -EPERM;
	}
	switch (cmd) {
	case PINBENCH_KMOD_STATUS:
		rc = pb_ioctl_status(file, (void __user *)arg);
		break;
	case PINBENCH_KMOD_PIN:
		rc = pb_ioctl_pin(file, (void __user *)arg, entry);
		pb_close_phases(&file->pin_phases, entry);
		break;
	case PINBENCH_KMOD_UNPIN:
		rc = pb_ioctl_unpin(file, (void __user *)arg, entry);
		pb_close_phases(&file->unpin_phases, entry);
		break;
	default:
		rc = -ENOTTY;
	}
	mutex_unlock(&file->lock);
	return rc;
}

/* -------------------------------------------------------------------------------------- */
/* The character device */

static int pb_open(struct inode *inode, struct file *filp)
{
	struct pb_file *file = kzalloc(sizeof(*file), GFP_KERNEL);

	if (!file)
		return -ENOMEM;
	mutex_init(&file->lock);
	INIT_LIST_HEAD(&file->dev_node);
	filp->private_data = file;
	atomic_long_inc(&pb_files);
	return 0;
}

/* Closing the file, or the process dying with it open, unmaps and unpins everything. */
static int pb_release(struct inode *inode, struct file *filp)
{
	struct pb_file *file = filp->private_data;
	struct pb_worker worker = {};

	mutex_lock(&file->lock);
	if (file->chunks)
		pb_unpin_all(file, NULL, 1, true, &worker);
	mutex_unlock(&file->lock);
	/* Off the device, in pb_remove()'s lock order; it may have taken the file off already. */
	mutex_lock(&pb_devs_lock);
	mutex_lock(&file->lock);
	if (file->dev)
		pb_detach(file);
	mutex_unlock(&file->lock);
	mutex_unlock(&pb_devs_lock);
	mutex_destroy(&file->lock);
	kfree(file);
	atomic_long_dec(&pb_files);
	return 0;
}

static const struct file_operations pb_fops = {
	.owner = THIS_MODULE,	/* an open file holds the module: rmmod is refused */
	.open = pb_open,
	.release = pb_release,
	.unlocked_ioctl = pb_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice pb_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pinbench",
	.fops = &pb_fops,
	.mode = 0600,
};

/* -------------------------------------------------------------------------------------- */
/* The PCI driver */

/* Only a device given to the driver by driver_override: never one matched by an id. */
static bool pb_overridden(struct pci_dev *pdev)
{
#if PB_HAVE_DEV_OVERRIDE
	return device_has_driver_override(&pdev->dev);
#else
	return pdev->driver_override;
#endif
}

static int pb_count_device(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/* Makes the device's own paging domain and attaches it, or says in dev->domain_error why not. */
static void pb_make_domain(struct pb_dev *dev)
{
#if PB_HAVE_MAP
	struct iommu_domain *domain;
	int rc;

	domain = iommu_paging_domain_alloc(&dev->pdev->dev);
	if (IS_ERR(domain)) {
		dev->domain_error = PTR_ERR(domain);
		return;
	}
	rc = iommu_attach_device(domain, &dev->pdev->dev);
	if (rc) {
		iommu_domain_free(domain);
		dev->domain_error = rc;
		return;
	}
	dev->domain = domain;
#else
	dev->domain_error = -EOPNOTSUPP;
#endif
}

static int pb_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct iommu_group *group;
	struct pb_dev *dev;

	if (!pb_overridden(pdev))
		return -ENODEV;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->pdev = pdev;
	dev->group = -1;
	spin_lock_init(&dev->iova_lock);
	INIT_LIST_HEAD(&dev->files);
	group = iommu_group_get(&pdev->dev);
	if (group) {
		dev->group = iommu_group_id(group);
		iommu_group_for_each_dev(group, &dev->group_devices, pb_count_device);
		iommu_group_put(group);
	}
	/* A domain of its own only for a device alone in its group, as VFIO requires a viable one. */
	if (!group)
		dev->domain_error = -ENODEV;
	else if (dev->group_devices != 1)
		dev->domain_error = -EXDEV;
	else
		pb_make_domain(dev);
	pci_set_drvdata(pdev, dev);
	mutex_lock(&pb_devs_lock);
	list_add_tail(&dev->node, &pb_devs);
	atomic_inc(&pb_nr_devs);
	mutex_unlock(&pb_devs_lock);
	if (dev->domain)
		pci_info(pdev, "pinbench: group %d, paging domain type %#x, aperture %pad-%pad\n",
			 dev->group, dev->domain->type, &dev->domain->geometry.aperture_start,
			 &dev->domain->geometry.aperture_end);
	else
		pci_info(pdev, "pinbench: group %d (%u devices), no domain: %d\n", dev->group,
			 dev->group_devices, dev->domain_error);
	return 0;
}

/*
 * Unbinding (or rmmod, once no file is open) while files are attached: each file's range is
 * unmapped first, then the file is taken off the device; its pins stay until UNPIN or close.
 */
static void pb_remove(struct pci_dev *pdev)
{
	struct pb_dev *dev = pci_get_drvdata(pdev);
	struct pb_file *file, *next;

	mutex_lock(&pb_devs_lock);
	list_del(&dev->node);
	atomic_dec(&pb_nr_devs);
	list_for_each_entry_safe(file, next, &dev->files, dev_node) {
		mutex_lock(&file->lock);
		if (file->mapped) {
			pb_unmap_all(file);
			pb_unreserve(file);
		}
		pb_detach(file);
		mutex_unlock(&file->lock);
	}
	mutex_unlock(&pb_devs_lock);
	if (dev->domain) {
		iommu_detach_device(dev->domain, &pdev->dev);
		iommu_domain_free(dev->domain);
	}
	kfree(dev);
}

/* No ids: nothing binds unless driver_override names the driver (and no table autoloads it). */
static const struct pci_device_id pb_pci_ids[] = {
	{ }
};

static struct pci_driver pb_pci_driver = {
	.name = "pinbench",
	.id_table = pb_pci_ids,
	.probe = pb_probe,
	.remove = pb_remove,
};

static int __init pb_init(void)
{
	int rc;

	rc = pci_register_driver(&pb_pci_driver);
	if (rc)
		return rc;
	rc = misc_register(&pb_device);
	if (rc)
		pci_unregister_driver(&pb_pci_driver);
	return rc;
}

static void __exit pb_exit(void)
{
	misc_deregister(&pb_device);
	pci_unregister_driver(&pb_pci_driver);
}

module_init(pb_init);
module_exit(pb_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PinBench: pin and map user ranges in the kernel with padata-style helpers, timed");
MODULE_VERSION("2");
