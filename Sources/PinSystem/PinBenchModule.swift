#if canImport(Glibc)
import Glibc
#endif
import CPinSys

/// PinBench's kernel module (kmod/) as userspace sees it: `/dev/pinbench` and its uAPI,
/// whose layout `pinbench_kmod.h` asserts on both sides.
public enum PinBenchModule {
    public static let devicePath = "/dev/pinbench"

    /// The uAPI version this pinbench speaks (`PINBENCH_KMOD_API_VERSION`).
    public static var apiVersion: UInt32 { cpinsys_kmod_api_version() }

    /// The most workers one call takes (`PINBENCH_KMOD_MAX_WORKERS`).
    public static var maxWorkers: Int { Int(cpinsys_kmod_max_workers()) }

    /// What the loaded module says of itself.
    public struct Status: Sendable, Equatable {
        public var version: UInt32
        /// `/dev/pinbench` files open in any process, not counting the one that asked.
        public var otherFiles: Int
        /// Pages pinned through all of them.
        public var pinnedPages: Int
    }

    /// Opens the device and asks `PINBENCH_KMOD_STATUS` (`cpinsys_kmod_status`).
    public static func status(path: String = devicePath) throws(SystemError) -> Status {
        var status = cpinsys_kmod_status()
        let rc = cpinsys_kmod_status(path, &status)
        guard rc == 0 else { throw SystemError("PINBENCH_KMOD_STATUS on \(path)", errno: -rc, hint: openHint(errno: -rc)) }
        return Status(version: status.version, otherFiles: Int(status.files), pinnedPages: Int(status.pinned_pages_all))
    }

    /// What to do when `/dev/pinbench` cannot be opened.
    static func openHint(errno code: Int32) -> String? {
        switch code {
        case ENOENT: return "PinBench's kernel module is not loaded: `sudo scripts/kmod.sh build && sudo scripts/kmod.sh load` (`pinbench doctor` says more)"
        case EACCES: return "the device is root's (mode 0600): run as root"
        default: return nil
        }
    }

    /// What one worker of a module call did, from the module's own `ktime` stamps.
    public struct Worker: Sendable, Equatable, Codable {
        /// Seconds from the call's start in the kernel to this worker's start and end.
        public var startSeconds: Double
        public var endSeconds: Double
        public var chunks: Int
        public var pages: Int
        public var folios: Int
        /// Where it ran (`raw_smp_processor_id` at its start, and that CPU's node).
        public var cpu: Int
        public var node: Int

        public init(startSeconds: Double, endSeconds: Double, chunks: Int, pages: Int, folios: Int, cpu: Int, node: Int) {
            self.startSeconds = startSeconds
            self.endSeconds = endSeconds
            self.chunks = chunks
            self.pages = pages
            self.folios = folios
            self.cpu = cpu
            self.node = node
        }

        public var busySeconds: Double { endSeconds - startSeconds }
    }

    /// One PIN or UNPIN call's answer.
    public struct Call: Sendable, Equatable, Codable {
        /// The call's time inside the kernel, from its start to its last worker's end.
        public var totalSeconds: Double
        public var pages: Int
        public var folios: Int
        public var workers: [Worker]
        /// PIN: the bytes of the run arrays (one 16-byte record per folio run) the module holds
        /// the pins in (`run_bytes`); nil for UNPIN, and in records from a module before uAPI 3.
        public var runBytes: Int?

        public init(totalSeconds: Double, pages: Int, folios: Int, workers: [Worker], runBytes: Int? = nil) {
            self.totalSeconds = totalSeconds
            self.pages = pages
            self.folios = folios
            self.workers = workers
            self.runBytes = runBytes
        }
    }
}
