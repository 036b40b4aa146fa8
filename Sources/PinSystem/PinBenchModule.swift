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

    /// The most pages one pin call inside the module takes (its `PB_MAX_BATCH`).
    public static var maxBatch: Int { Int(cpinsys_kmod_max_batch()) }

    /// What a build of the module can do (`PINBENCH_KMOD_FEATURE_*`).
    public struct Features: OptionSet, Sendable, Equatable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `memfd_pin_folios` (the kernel it was built for has it: 6.11+).
        public static let memfd = Features(rawValue: UInt32(CPINSYS_KMOD_FEATURE_MEMFD))
        /// The PCI driver maps into a device's own IOMMU domain (`iommu_paging_domain_alloc`, 6.11+).
        public static let map = Features(rawValue: UInt32(CPINSYS_KMOD_FEATURE_MAP))
    }

    /// What the loaded module says of itself.
    public struct Status: Sendable, Equatable {
        public var version: UInt32
        /// `/dev/pinbench` files open in any process, not counting the one that asked.
        public var otherFiles: Int
        /// Pages pinned through all of them.
        public var pinnedPages: Int
        public var features: Features
        /// Devices bound to the module's PCI driver.
        public var devices: Int
        /// Bytes mapped into those devices' domains through every file.
        public var mappedBytes: Int
    }

    /// Opens the device and asks `PINBENCH_KMOD_STATUS` (`cpinsys_kmod_status`).
    public static func status(path: String = devicePath) throws(SystemError) -> Status {
        var status = cpinsys_kmod_status()
        let rc = cpinsys_kmod_status(path, &status)
        guard rc == 0 else { throw SystemError("PINBENCH_KMOD_STATUS on \(path)", errno: -rc, hint: openHint(errno: -rc)) }
        return Status(version: status.version, otherFiles: Int(status.files), pinnedPages: Int(status.pinned_pages_all),
                      features: Features(rawValue: status.features), devices: Int(status.devices),
                      mappedBytes: Int(status.mapped_all))
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

        /// Its phases (uAPI 4; nil in older records). PIN: seconds in the pin calls
        /// (`pin_user_pages*`, `memfd_pin_folios`), adding pages to the run records, and in
        /// `iommu_map`; UNPIN: unpinning, and `iommu_unmap` (each chunk unmapped first).
        public var gupSeconds: Double?
        public var recordSeconds: Double?
        public var mapSeconds: Double?
        /// `iommu_map` (PIN) or `iommu_unmap` (UNPIN) calls; 0 when nothing was mapped.
        public var mapCalls: Int?

        public init(startSeconds: Double, endSeconds: Double, chunks: Int, pages: Int, folios: Int, cpu: Int, node: Int,
                    gupSeconds: Double? = nil, recordSeconds: Double? = nil, mapSeconds: Double? = nil, mapCalls: Int? = nil) {
            self.startSeconds = startSeconds
            self.endSeconds = endSeconds
            self.chunks = chunks
            self.pages = pages
            self.folios = folios
            self.cpu = cpu
            self.node = node
            self.gupSeconds = gupSeconds
            self.recordSeconds = recordSeconds
            self.mapSeconds = mapSeconds
            self.mapCalls = mapCalls
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
        /// The module's own check of the mapping, when the call mapped (PIN) or unmapped (UNPIN).
        public var mapCheck: MapCheck?
        /// Where the call's time went inside the module, read back after it (untimed).
        public var phases: Phases?

        public init(totalSeconds: Double, pages: Int, folios: Int, workers: [Worker], runBytes: Int? = nil,
                    mapCheck: MapCheck? = nil, phases: Phases? = nil) {
            self.totalSeconds = totalSeconds
            self.pages = pages
            self.folios = folios
            self.workers = workers
            self.runBytes = runBytes
            self.mapCheck = mapCheck
            self.phases = phases
        }
    }

    /// The module's check of a mapping (`struct pinbench_kmod_map_check`), untimed. PIN:
    /// `iommu_iova_to_phys` at the first and last page of every segment (one `iommu_map` of
    /// physically contiguous pages) against the pinned page; UNPIN: at the first and last page
    /// of every chunk, which must resolve to nothing.
    public struct MapCheck: Sendable, Equatable, Codable {
        /// PIN: bytes mapped; UNPIN: bytes `iommu_unmap` took down.
        public var bytes: Int
        /// PIN: `iommu_map` calls; UNPIN: chunks unmapped.
        public var segments: Int
        /// IOVAs looked up, and of those, wrong (elsewhere, or still resolving after the unmap).
        public var checked: Int
        public var wrong: Int

        public init(bytes: Int, segments: Int, checked: Int, wrong: Int) {
            self.bytes = bytes
            self.segments = segments
            self.checked = checked
            self.wrong = wrong
        }
    }

    /// Where one module call's time went (`struct pinbench_kmod_phases`), in seconds: the
    /// ioctl from entry to return as the module saw it, the part before its workers started, the
    /// workers' span, their pin, record and map phases summed over workers, the untimed check of
    /// the mapping, and the rest (copy-out, freeing).
    public struct Phases: Sendable, Equatable, Codable {
        public var ioctlSeconds: Double
        public var setupSeconds: Double
        public var workSeconds: Double
        public var gupSeconds: Double
        public var recordSeconds: Double
        public var mapSeconds: Double
        public var verifySeconds: Double
        public var finishSeconds: Double

        public init(ioctlSeconds: Double, setupSeconds: Double, workSeconds: Double, gupSeconds: Double,
                    recordSeconds: Double, mapSeconds: Double, verifySeconds: Double, finishSeconds: Double) {
            self.ioctlSeconds = ioctlSeconds
            self.setupSeconds = setupSeconds
            self.workSeconds = workSeconds
            self.gupSeconds = gupSeconds
            self.recordSeconds = recordSeconds
            self.mapSeconds = mapSeconds
            self.verifySeconds = verifySeconds
            self.finishSeconds = finishSeconds
        }
    }
}
