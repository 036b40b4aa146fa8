#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

/// Backends whose pin only faults pages in (populate, touch): unpin is `MADV_DONTNEED`, and the
/// checks are "every page resident" after pin and "no page mapped" after unpin.
public protocol ReleasedByDontNeed: PinBackend {}

extension ReleasedByDontNeed {
    /// `MADV_DONTNEED`: unmaps the pages (frees them for private memory; shared memory stays
    /// in its memfd or hugetlbfs file until the region is unmapped).
    public func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        try Syscall.madvise(region.pointer(at: chunk.offset), chunk.length, CPINSYS_MADV_DONTNEED,
                            "madvise(MADV_DONTNEED) on \(chunk)") { error in
            error == EINVAL && region.kind.isHugetlb
                ? "hugetlb ranges must start on a huge page boundary: use --cut-align folio or --align folio" : nil
        }
    }

    public func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification {
        .allResident(region)
    }

    public func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification {
        .noneMapped(region)
    }
}
