#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore
import PinSystem

/// Anonymous memory for the simulation's own structures (memmap, page tables, page-pointer
/// array), unmapped on `deinit`. Advised `MADV_HUGEPAGE`, as the kernel maps its memmap with
/// huge pages, so TLB misses on the memmap do not dominate the model.
final class SimulationBuffer: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let bytes: Int

    /// Maps `bytes` (rounded up to 2 MiB) for `what`. With `reserveOnly` the kernel commits
    /// pages only as they are touched (`MAP_NORESERVE`): for pools sized for the worst case.
    init(bytes: Int, what: String, reserveOnly: Bool = false) throws(SystemError) {
        let length = roundUp(max(bytes, 1), toMultipleOf: PageSize.pmd.bytes)
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | (reserveOnly ? CPINSYS_MAP_NORESERVE : 0)
        let mapped = try Syscall.mmap(nil, length, PROT_READ | PROT_WRITE, flags, -1,
                                      "mmap(\(ByteSize(length)) for the simulated \(what))")
        try? Syscall.madvise(mapped, length, CPINSYS_MADV_HUGEPAGE, "madvise(MADV_HUGEPAGE)")  // a hint: without THP it still works
        base = mapped
        self.bytes = length
    }

    deinit {
        Syscall.munmap(base, bytes)
    }
}
