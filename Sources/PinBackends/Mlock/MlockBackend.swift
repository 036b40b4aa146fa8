#if canImport(Glibc)
import Glibc
#endif
import PinContract
import PinCore
import PinSystem

/// `mlock` / `munlock`. `mlock` takes `mmap_lock` for writing (it splits the mapping), so
/// threads locking parts of one region serialise: the strategies show it.
public struct MlockBackend: PinBackend {

    public init() {}

    public func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        try Syscall.mlock(region.pointer(at: chunk.offset), chunk.length, "mlock on \(chunk)") { error in
            error == ENOMEM || error == EPERM
                ? "RLIMIT_MEMLOCK is too low for this size: run as root or raise it (ulimit -l unlimited)" : nil
        }
    }

    public func unpin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        try Syscall.munlock(region.pointer(at: chunk.offset), chunk.length, "munlock on \(chunk)")
    }

    /// The kernel does not set `VM_LOCKED` on hugetlb mappings (they are never swapped), so
    /// `VmLck` does not move for them; every other kind is charged in full.
    public static func expectedLockedBytes(_ region: Region) -> Int {
        region.kind.isHugetlb ? 0 : region.size.bytes
    }

    public func verifyPinned(_ region: Region, baseline: ProcStatus) -> Verification {
        Verification.allResident(region)
            .and(.lockedDelta(Self.expectedLockedBytes(region), since: baseline))
    }

    public func verifyUnpinned(_ region: Region, baseline: ProcStatus) -> Verification {
        .lockedDelta(0, since: baseline)
    }
}
