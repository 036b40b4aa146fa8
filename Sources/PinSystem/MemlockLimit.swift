#if canImport(Glibc)
import Glibc
#endif
import PinCore

/// `RLIMIT_MEMLOCK` and whether `CAP_IPC_LOCK` bypasses it, as the kernel decides for
/// `mlock` and for long-term pins charged to `locked_vm`/`pinned_vm`.
public struct MemlockLimit: Sendable, Equatable {
    /// The soft limit in bytes, or nil when unlimited.
    public var softBytes: Int?
    /// `CAP_IPC_LOCK` in the effective set (`CapEff` bit 14).
    public var hasIPCLock: Bool

    public init(softBytes: Int?, hasIPCLock: Bool) {
        self.softBytes = softBytes
        self.hasIPCLock = hasIPCLock
    }

    public static func current() -> MemlockLimit {
        // RLIMIT_MEMLOCK is 8 on Linux; Glibc does not export the enum case to Swift.
        var limit = rlimit()
        var soft: Int? = nil
        if getrlimit(__rlimit_resource_t(8), &limit) == 0, limit.rlim_cur != rlim_t.max {
            soft = Int(clamping: limit.rlim_cur)
        }
        let capabilities = (try? ProcFile.read("/proc/self/status"))
            .flatMap { text in text.split(separator: "\n").first { $0.hasPrefix("CapEff:") } }
            .flatMap { UInt64($0.dropFirst("CapEff:".count).trimmingWhitespace(), radix: 16) } ?? 0
        return MemlockLimit(softBytes: soft, hasIPCLock: capabilities & (1 << 14) != 0)
    }

    /// Whether `bytes` more may be locked on top of what is locked now.
    public func allows(_ bytes: Int, alreadyLocked: Int = 0) -> Bool {
        hasIPCLock || softBytes.map { bytes + alreadyLocked <= $0 } ?? true
    }

    /// One line for reports: `unlimited`, `8M (bypassed: CAP_IPC_LOCK)`.
    public var description: String {
        let limit = softBytes.map { ByteSize($0).description } ?? "unlimited"
        return hasIPCLock ? "\(limit) (bypassed: CAP_IPC_LOCK)" : limit
    }

    /// The error for a job that would lock `bytes`, with what to do about it.
    public func refusal(for bytes: Int) -> String {
        "locking \(ByteSize(bytes)) exceeds RLIMIT_MEMLOCK (\(description)) and this process lacks CAP_IPC_LOCK: "
            + "run as root, or raise the limit (ulimit -l unlimited, or memlock in /etc/security/limits.conf)"
    }
}
