#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

/// Populates page tables with `madvise(MADV_POPULATE_WRITE)` (Linux 5.14+) or `_READ`, and
/// releases with `MADV_DONTNEED`. Takes `mmap_lock` for reading, so threads can overlap.
public struct PopulateBackend: PinBackend, ReleasedByDontNeed {
    public enum Advice: String, Sendable {
        case write, read

        var value: Int32 { self == .write ? CPINSYS_MADV_POPULATE_WRITE : CPINSYS_MADV_POPULATE_READ }
        var name: String { self == .write ? "MADV_POPULATE_WRITE" : "MADV_POPULATE_READ" }
    }

    public let advice: Advice

    public init(advice: Advice = .write) {
        self.advice = advice
    }

    public func pin(_ region: Region, _ chunk: Chunk) throws(SystemError) {
        try Syscall.madvise(region.pointer(at: chunk.offset), chunk.length, advice.value,
                            "madvise(\(advice.name)) on \(chunk)", hint: Self.hint)
    }


    static func hint(_ errno: Int32) -> String? {
        switch errno {
        case EINVAL: return "this kernel may predate MADV_POPULATE_(READ|WRITE) (Linux 5.14); try --backend touch"
        case ENOMEM: return "out of memory, or the hugetlb pool ran dry"
        case EFAULT: return "the range could not be populated (SIGBUS-like failure, e.g. no huge page left)"
        default: return nil
        }
    }
}
