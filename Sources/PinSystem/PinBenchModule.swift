import CPinSys

/// PinBench's kernel module (kmod/) as userspace sees it: `/dev/pinbench` and its uAPI,
/// whose layout `pinbench_kmod.h` asserts on both sides.
public enum PinBenchModule {
    public static let devicePath = "/dev/pinbench"

    /// The uAPI version this pinbench speaks (`PINBENCH_KMOD_API_VERSION`).
    public static var apiVersion: UInt32 { cpinsys_kmod_api_version() }

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
        guard rc == 0 else { throw SystemError("PINBENCH_KMOD_STATUS on \(path)", errno: -rc) }
        return Status(version: status.version, otherFiles: Int(status.files), pinnedPages: Int(status.pinned_pages_all))
    }
}
