// CPinSysHugetlbfs: the three libhugetlbfs calls PinBench uses to find hugetlbfs mounts and
// make a file on one. libhugetlbfs scans the mounts once, in a constructor at process start:
// a hugetlbfs mounted later is not seen by these calls until the next start.
// <hugetlbfs.h> stays out of Swift's sight (it needs <stddef.h> first and declares much more).
#ifndef CPINSYS_HUGETLBFS_H
#define CPINSYS_HUGETLBFS_H

/// Calls `gethugepagesizes(sizes, capacity)`: the huge page sizes the kernel has, in bytes
/// (the default size first). Returns how many were written, or -1 with errno set. With
/// `sizes == NULL` and `capacity == 0` returns how many there are.
int cpinsys_hugetlbfs_page_sizes(long *sizes, int capacity);

/// Calls `hugetlbfs_find_path_for_size(page_size)`: the mount point of a hugetlbfs with
/// pages of `page_size` bytes, or NULL when libhugetlbfs found none at process start.
/// The string belongs to libhugetlbfs.
const char *cpinsys_hugetlbfs_path_for_size(long page_size);

/// Calls `hugetlbfs_unlinked_fd_for_size(page_size)`: a new, already unlinked file on the
/// hugetlbfs of that page size, opened read-write, with `FD_CLOEXEC` set (as PinBench's
/// memfds are). Creating it faults nothing. Returns the fd, or -1 when there is no such
/// mount or the file could not be made (errno set by `mkstemp` in the second case).
int cpinsys_hugetlbfs_unlinked_fd(long page_size);

#endif
