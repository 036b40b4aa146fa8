#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore

/// One mapping under test, aligned to its kind's folio size, unmapped on `deinit`.
///
/// Regions are shared by the worker threads of a job, each working on a disjoint
/// sub-range, so the class is `Sendable`: it holds no mutable state of its own.
public final class Region: @unchecked Sendable {
    /// What stands behind a region's addresses.
    public enum Backing: String, Sendable, Codable {
        /// Memory of the region's kind, faulted in by the backend under test.
        case memory
        /// Address space only (`PROT_NONE`): the range a simulated backend pretends to pin.
        case addressSpace = "address-space"
    }

    public let base: UnsafeMutableRawPointer
    public let size: ByteSize
    public let kind: MemoryKind
    public let backing: Backing
    /// The file behind a shared kind (its memfd or unlinked hugetlbfs file), mapped from offset
    /// 0 and kept open while the region lives, so a backend can pin it by file
    /// (`memfd_pin_folios`); nil for private mappings.
    public let file: FileDescriptor?

    /// The raw descriptor of `file`, for a system call or ioctl that takes one.
    public var fileDescriptor: Int32? { file?.rawValue }

    init(base: UnsafeMutableRawPointer, size: ByteSize, kind: MemoryKind, backing: Backing = .memory,
         file: FileDescriptor? = nil) {
        self.base = base
        self.size = size
        self.kind = kind
        self.backing = backing
        self.file = file
    }

    // The file (if any) closes itself after the mapping is gone.
    deinit { Syscall.munmap(base, size.bytes) }

    /// The region's address as an integer, for alignment checks and reports.
    public var address: Int { Int(bitPattern: base) }

    /// A pointer `offset` bytes into the region.
    @inline(__always)
    public func pointer(at offset: Int) -> UnsafeMutableRawPointer { base + offset }

    /// Number of base (4 KiB) pages the region spans.
    public var basePages: Int { size.bytes / PageSize.base.bytes }

    /// Number of MMU pages of the region's kind.
    public var pages: Int { size.bytes / kind.pageSize.bytes }
}

// MARK: - Mapping

extension Region {
    /// Maps `size` bytes of `kind`, after checking that the machine can give them:
    /// the hugetlb pool for hugetlb kinds, `MemAvailable` less a margin for the others.
    public static func map(kind: MemoryKind, size: ByteSize) throws(RegionError) -> Region {
        do {
            try kind.validate(size: size, addressSpace: .current())
        } catch {
            throw .invalidSize(error)
        }
        try checkCapacity(kind: kind, size: size)
        return try mapUnchecked(kind: kind, size: size)
    }

    /// Fails with an actionable message when the memory is not there to be had, or, for the
    /// hugetlbfs kinds, when libhugetlbfs found no hugetlbfs of that page size at start.
    /// `assumedHugepages` (page size in bytes to pages) are counted as available beside the
    /// pool's own: what a sweep's `--reserve-hugepages` would add, for its dry run.
    public static func checkCapacity(kind: MemoryKind, size: ByteSize, assumedHugepages: [Int: Int] = [:]) throws(RegionError) {
        guard !kind.isSimulatedOnly else { throw .simulatedOnly(kind: kind) }
        if let hugePage = kind.hugetlbPageSize {
            guard let pool = HugepagePool.read(pageSize: hugePage.bytes) else {
                throw .noHugepagePool(kind: kind)
            }
            if kind.mapsHugetlbfsFile { try checkHugetlbfsMount(kind: kind, pageSize: hugePage.bytes) }
            let needed = size.bytes / hugePage.bytes
            guard max(pool.available, assumedHugepages[hugePage.bytes] ?? 0) >= needed else {
                throw .hugepagePoolTooSmall(kind: kind, needed: needed, pool: pool)
            }
        } else {
            let memory: MemoryInfo
            do { memory = try MemoryInfo.current() } catch { throw .system(error) }
            guard size.bytes <= memory.usableBytes else {
                throw .notEnoughMemory(size: size, memory: memory)
            }
        }
    }

    /// libhugetlbfs must know a mount for `pageSize`; when it does not, the error names any
    /// mount `/proc/mounts` shows now (mounted since this process started, or unusable by it).
    private static func checkHugetlbfsMount(kind: MemoryKind, pageSize: Int) throws(RegionError) {
        guard HugetlbfsMount.path(forPageSize: pageSize) == nil else { return }
        let mountedNow = HugetlbfsMount.mounted().first { $0.pageSize == pageSize }?.path
        throw .noHugetlbfsMount(kind: kind, mountedSinceStart: mountedNow)
    }

    /// Reserves `size` bytes of address space aligned to `alignment`, with no memory behind
    /// it (`PROT_NONE`, `MAP_NORESERVE`): a simulated backend's range, so simulating 64 GiB
    /// needs no 64 GiB. Touching it faults.
    public static func reserve(kind: MemoryKind, size: ByteSize, alignment: PageSize) throws(RegionError) -> Region {
        do {
            try kind.validate(size: size, addressSpace: .current())
        } catch {
            throw .invalidSize(error)
        }
        let base = try reserveAddressSpace(size.bytes, alignment: alignment.bytes)
        return Region(base: base, size: size, kind: kind, backing: .addressSpace)
    }

    /// Maps without the capacity check, at a multiple of the folio size: the real mapping goes
    /// `MAP_FIXED` over an aligned address-space reservation of exactly its size.
    static func mapUnchecked(kind: MemoryKind, size: ByteSize) throws(RegionError) -> Region {
        let reservation = try reserveAddressSpace(size.bytes, alignment: kind.folioSize.bytes)
        let mapping: (base: UnsafeMutableRawPointer, file: FileDescriptor?)
        do {
            mapping = try mapFixed(kind: kind, at: reservation, size: size)
        } catch {
            Syscall.munmap(reservation, size.bytes)
            throw error
        }
        return Region(base: mapping.base, size: size, kind: kind, file: mapping.file)
    }

    /// `length` bytes of `PROT_NONE`, `MAP_NORESERVE` address space starting at a multiple of
    /// `alignment`: `length + alignment` is reserved and its unaligned head and tail given back.
    private static func reserveAddressSpace(_ length: Int, alignment: Int) throws(RegionError) -> UnsafeMutableRawPointer {
        let span = length + (alignment > PageSize.base.bytes ? alignment : 0)
        let reservation: UnsafeMutableRawPointer
        do {
            reservation = try Syscall.mmap(nil, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | CPINSYS_MAP_NORESERVE,
                                           -1, "mmap(\(ByteSize(span)) of address space)")
        } catch {
            throw .system(error)
        }
        let start = Int(bitPattern: reservation)
        let aligned = roundUp(start, toMultipleOf: alignment)
        if aligned > start { Syscall.munmap(reservation, aligned - start) }
        let tail = start + span - (aligned + length)
        if tail > 0 { Syscall.munmap(UnsafeMutableRawPointer(bitPattern: aligned + length)!, tail) }
        return UnsafeMutableRawPointer(bitPattern: aligned)!
    }

    /// The mapping and, for a shared kind, its file, which the caller then owns.
    private static func mapFixed(kind: MemoryKind, at address: UnsafeMutableRawPointer,
                                 size: ByteSize) throws(RegionError) -> (base: UnsafeMutableRawPointer, file: FileDescriptor?) {
        let protection = PROT_READ | PROT_WRITE
        let hugeFlag: Int32 = kind.hugetlbPageSize.map {
            Int32($0.bytes.trailingZeroBitCount) << CPINSYS_HUGE_SHIFT
        } ?? 0
        // Closed on every way out but success, when the region takes it.
        var file: FileDescriptor?
        var flags = CPINSYS_MAP_FIXED
        if kind.mapsHugetlbfsFile, let hugePage = kind.hugetlbPageSize {
            // An unlinked file on the mount libhugetlbfs found (not get_huge_pages, which
            // would fault the pages in itself, outside the timed phase's control).
            let fd = cpinsys_hugetlbfs_unlinked_fd(hugePage.bytes)
            guard fd >= 0 else {
                guard let path = HugetlbfsMount.path(forPageSize: hugePage.bytes) else {
                    throw .noHugetlbfsMount(kind: kind, mountedSinceStart: nil)
                }
                throw .system(.last("creating an unlinked file on the hugetlbfs at \(path)"))
            }
            file = FileDescriptor(adopting: fd, path: "hugetlbfs file")
            // Sized explicitly as the memfd is (a writable mmap would also grow a hugetlbfs file).
            do { try Syscall.ftruncate(fd, to: size.bytes, "ftruncate(hugetlbfs file, \(size))") } catch { throw .system(error) }
            flags |= MAP_SHARED
        } else if kind.isShared {
            var memfdFlags = CPINSYS_MFD_CLOEXEC
            if kind.isHugetlb { memfdFlags |= CPINSYS_MFD_HUGETLB | UInt32(hugeFlag) }
            let fd = cpinsys_memfd_create("pinbench-\(kind)", memfdFlags)
            guard fd >= 0 else { throw .system(.last("memfd_create(\(kind))")) }
            file = FileDescriptor(adopting: fd, path: "memfd")
            do { try Syscall.ftruncate(fd, to: size.bytes, "ftruncate(memfd, \(size))") } catch { throw .system(error) }
            flags |= MAP_SHARED
        } else {
            flags |= MAP_PRIVATE | MAP_ANONYMOUS
            if kind.isHugetlb { flags |= CPINSYS_MAP_HUGETLB | hugeFlag }
        }
        let hint = kind.mapsHugetlbfsFile
            ? "the hugetlb pool may have been taken by another process, or the hugetlbfs mount's size= limit is below \(size)"
            : kind.isHugetlb ? "the hugetlb pool may have been taken by another process" : nil
        let mapped: UnsafeMutableRawPointer
        do {
            mapped = try Syscall.mmap(address, size.bytes, protection, flags, file?.rawValue ?? -1, "mmap(\(size) \(kind))") { _ in hint }
        } catch {
            throw .system(error)
        }
        // THP policy: only `thp` may get huge folios; `anon` and `memfd` stay at 4 KiB
        // even when THP is in `always` mode.
        if !kind.isHugetlb {
            let advice = kind == .thp ? CPINSYS_MADV_HUGEPAGE : CPINSYS_MADV_NOHUGEPAGE
            do {
                try Syscall.madvise(mapped, size.bytes, advice, "madvise(\(kind == .thp ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE"))")
            } catch {
                Syscall.munmap(mapped, size.bytes)
                throw .system(error)
            }
        }
        return (mapped, file)
    }
}
