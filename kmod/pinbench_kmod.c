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
 * memfd_pin_folios(), one pin per folio, which is then also how it is unpinned. Pinned pages are charged to mm->pinned_vm against
 * RLIMIT_MEMLOCK unless CAP_IPC_LOCK, as io_uring and iommufd charge them.
 */

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "pinbench_kmod.h"

#define PB_DEFAULT_BATCH 512
#define PB_MAX_BATCH 4096
/* A chunk's first run array: 1 KiB, which holds 64 folios. */
#define PB_MIN_RUNS 64

/*
 * memfd_pin_folios() and unpin_folio() arrived in 6.11: Kbuild looks for them in the tree's
 * mm.h, and a kernel without them refuses PIN_MEMFD.
 */
#ifndef PB_HAVE_MEMFD_PIN
#define PB_HAVE_MEMFD_PIN 0
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
};

/* One file's pinned range. */
struct pb_file {
	struct mutex lock;	/* serializes pin, unpin, status and release */
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
 * Appends pages[0..n) to the chunk's runs, merging pages that follow on in one folio. If the
 * array cannot grow, the pages not yet recorded are unpinned here (the recorded ones are the
 * caller's to unpin with the chunk), so nothing pinned is lost.
 */
static int pb_add_pages(struct pb_chunk *chunk, struct page **pages, long n,
			unsigned long limit, u64 *folios)
{
	long i;
	int rc;

	for (i = 0; i < n; i++) {
		struct pb_run *last = chunk->nr_runs ? &chunk->runs[chunk->nr_runs - 1] : NULL;

		if (last && page_folio(pages[i]) == page_folio(last->first) &&
		    pages[i] == pb_page_after(last->first, last->count)) {
			last->count++;
			continue;
		}
		rc = pb_grow_runs(chunk, limit);
		if (rc) {
			unpin_user_pages(pages + i, n - i);
			chunk->pages += i;
			return rc;
		}
		chunk->runs[chunk->nr_runs].first = pages[i];
		chunk->runs[chunk->nr_runs].count = 1;
		chunk->nr_runs++;
		(*folios)++;
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

		if (fatal_signal_pending(current))
			return -EINTR;
		if (fast) {
			got = pin_user_pages_fast(at, want, job->gup_flags, pages);
		} else {
			int locked = 1;

			mmap_read_lock(job->mm);
			got = pin_user_pages_remote(job->mm, at, want, job->gup_flags, pages, &locked);
			if (locked)
				mmap_read_unlock(job->mm);
		}
		if (got <= 0)
			return got ? (int)got : -EFAULT;
		rc = pb_add_pages(chunk, pages, got, npages, &out->folios);
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

		if (fatal_signal_pending(current))
			return -EINTR;
		got = memfd_pin_folios(job->memfd, pos, pos + (left << PAGE_SHIFT) - 1, folios,
				       job->batch, &skip_bytes);
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
			if (rc)
				atomic_cmpxchg(&job->error, 0, rc);
		} else {
			worker->out.pages += file->chunks[index].pages;
			pb_unpin_chunk(&file->chunks[index], job->folio_unpin, file->folio_pins,
				       &worker->out.folios);
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
			queue_work_node(node, system_unbound_wq, &workers[i].work);
		} else {
			queue_work(system_unbound_wq, &workers[i].work);
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
 * Copies the workers' records out and sums what they handled; the call's time is from the
 * job's start to now.
 */
static void pb_collect(const struct pb_job *job, const struct pb_worker *workers, unsigned int nr,
		       struct pinbench_kmod_worker *out, __u64 *total_ns, __u64 *pages, __u64 *folios)
{
	unsigned int i;

	*total_ns = ktime_to_ns(ktime_sub(ktime_get(), job->start));
	*pages = 0;
	*folios = 0;
	for (i = 0; i < nr; i++) {
		out[i] = workers[i].out;
		*pages += workers[i].out.pages;
		*folios += workers[i].out.folios;
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

static void pb_unpin_all(struct pb_file *file, struct pinbench_kmod_unpin *req, unsigned int nr,
			 bool folio_unpin, struct pb_worker *workers)
{
	struct pb_job job = { .file = file, .mm = file->mm, .folio_unpin = folio_unpin };

	pb_run_workers(&job, workers, nr, false, false);
	if (req)
		pb_collect(&job, workers, nr, req->worker, &req->total_ns, &req->pages, &req->folios);
	atomic_long_sub(file->pages, &pb_pinned_all);
	pb_forget(file, file->pages);
}

/* Unpins what a failed pin left, chunk by chunk, on the caller. */
static void pb_unpin_partial(struct pb_file *file)
{
	unsigned long i;
	u64 folios = 0;

	for (i = 0; i < file->nr_chunks; i++)
		if (file->chunks[i].runs)
			pb_unpin_chunk(&file->chunks[i], true, file->folio_pins, &folios);
}

/* -------------------------------------------------------------------------------------- */
/* ioctls */

static long pb_ioctl_pin(struct pb_file *file, void __user *arg)
{
	struct pinbench_kmod_pin *req;
	struct pb_worker *workers;
	struct pb_job job = {};
	unsigned long pages;
	u64 end;
	long rc;

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
	rc = -EBUSY;
	if (file->chunks)
		goto out_free;	/* one pinned range per file */

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
	/* Helpers need the mm alive while they pin; the caller waits for them in this call. */
	if (!mmget_not_zero(file->mm)) {
		rc = -ESRCH;
		goto out_undo;
	}
	pb_run_workers(&job, workers, req->workers, true, req->flags & PINBENCH_KMOD_PIN_NUMA);
	mmput(file->mm);
	pb_collect(&job, workers, req->workers, req->worker, &req->total_ns, &req->pages, &req->folios);
	rc = atomic_read(&job.error);
	if (rc)
		goto out_undo;

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

static long pb_ioctl_unpin(struct pb_file *file, void __user *arg)
{
	struct pinbench_kmod_unpin *req;
	struct pb_worker *workers;
	long rc;

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
	    !req->workers || req->workers > PINBENCH_KMOD_MAX_WORKERS)
		goto out;
	rc = -ENOENT;
	if (!file->chunks)
		goto out;
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
	return copy_to_user(arg, &status, sizeof(status)) ? -EFAULT : 0;
}

static long pb_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct pb_file *file = filp->private_data;
	long rc;

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
		rc = pb_ioctl_pin(file, (void __user *)arg);
		break;
	case PINBENCH_KMOD_UNPIN:
		rc = pb_ioctl_unpin(file, (void __user *)arg);
		break;
	default:
		rc = -ENOTTY;
	}
	mutex_unlock(&file->lock);
	return rc;
}

/* -------------------------------------------------------------------------------------- */
/* The device */

static int pb_open(struct inode *inode, struct file *filp)
{
	struct pb_file *file = kzalloc(sizeof(*file), GFP_KERNEL);

	if (!file)
		return -ENOMEM;
	mutex_init(&file->lock);
	filp->private_data = file;
	atomic_long_inc(&pb_files);
	return 0;
}

/* Closing the file, or the process dying with it open, unpins everything. */
static int pb_release(struct inode *inode, struct file *filp)
{
	struct pb_file *file = filp->private_data;
	struct pb_worker worker = {};

	mutex_lock(&file->lock);
	if (file->chunks)
		pb_unpin_all(file, NULL, 1, true, &worker);
	mutex_unlock(&file->lock);
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

module_misc_device(pb_device);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PinBench: pin user ranges in the kernel with padata-style helpers, timed");
MODULE_VERSION("1");
