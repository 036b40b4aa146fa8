#if canImport(Glibc)
import Glibc
#endif

/// How many threads this process may start: the kernel's `threads-max`, and `RLIMIT_NPROC`
/// (every process and thread of the user) unless root, whom the kernel lets past it.
public struct ThreadLimit: Sendable, Equatable, CustomStringConvertible {
    public var threads: Int
    public var reason: String

    public static func current() -> ThreadLimit {
        var limits: [(Int, String)] = []
        if let max = ProcFile.readInt("/proc/sys/kernel/threads-max") { limits.append((max, "kernel.threads-max \(max)")) }
        var nproc = rlimit()
        // RLIMIT_NPROC is 6 on Linux; Glibc does not export the enum case to Swift.
        if geteuid() != 0, getrlimit(__rlimit_resource_t(6), &nproc) == 0, nproc.rlim_cur != rlim_t.max {
            limits.append((Int(nproc.rlim_cur), "RLIMIT_NPROC \(nproc.rlim_cur), shared by every process and thread of this user"))
        }
        let smallest = limits.min { $0.0 < $1.0 } ?? (Int.max, "no limit found")
        return ThreadLimit(threads: smallest.0, reason: smallest.1)
    }

    public var description: String { reason }
}
