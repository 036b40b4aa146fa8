#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem

/// `pinbench vfio-rules`: the rules VFIO type1 enforces on map and unmap calls, each tried for
/// real on one or more mappers, so the shim's model can be held beside a real container (in
/// the lab, or on a machine with a device) and every difference is seen, not assumed.
public enum VFIORules {
    /// One rule: what is tried, and what type1 answers (from `vfio_iommu_type1.c`).
    public enum Rule: String, CaseIterable, Sendable, Codable {
        /// A map over part of an existing mapping: `vfio_find_dma` finds it, `-EEXIST`.
        case overlap
        /// An unmap whose range cuts a mapping in two: type1v2 refuses it, `-EINVAL`.
        case partialUnmap = "partial-unmap"
        /// An unmap of a range that holds no mapping: type1 succeeds and reports 0 bytes.
        case unmapNothing = "unmap-nothing"
        /// One mapping more than `dma_entry_limit`: `-ENOSPC`.
        case entryLimit = "entry-limit"
        /// A map larger than `RLIMIT_MEMLOCK` without `CAP_IPC_LOCK`: `vfio_lock_acct`, `-ENOMEM`.
        case memlock
        /// A one-page map while another thread is inside a long map call: type1 holds
        /// `iommu->lock` across the whole call, so the small one returns only after it
        /// (`serializes`); iommufd pins under `domains_rwsem` for reading (`concurrent`).
        case containerLock = "container-lock"

        /// What is tried, in a few words.
        public var summary: String {
            switch self {
            case .overlap: return "map 2M at +1M over a 2M mapping"
            case .partialUnmap: return "unmap the first 1M of a 2M mapping"
            case .unmapNothing: return "unmap 2M where nothing is mapped"
            case .entryLimit: return "map dma_entry_limit + 1 4K mappings"
            case .memlock: return "map more than RLIMIT_MEMLOCK, no CAP_IPC_LOCK"
            case .containerLock: return "map 4K while another thread maps 64M"
            }
        }

        /// type1's answer: an errno, or 0 where the call succeeds; nil for `container-lock`,
        /// whose answer is a behaviour.
        public var type1Errno: Int32? {
            switch self {
            case .overlap: return EEXIST
            case .partialUnmap: return EINVAL
            case .unmapNothing: return 0
            case .entryLimit: return ENOSPC
            case .memlock: return ENOMEM
            case .containerLock: return nil
            }
        }

        /// type1's answer as the table shows it.
        public var type1Answer: String { type1Errno.map(VFIORules.name(of:)) ?? ContainerLockBehaviour.serializes.rawValue }

        /// Where the shim answers otherwise on purpose, why (docs/architecture.md says it too).
        public var shimDifference: String? {
            switch self {
            case .unmapNothing:
                return "the shim refuses it (ENOENT): a benchmark that unmaps nothing has lost track of its mappings"
            default: return nil
            }
        }
    }

    /// What one rule gave on one mapper.
    public struct Outcome: Sendable, Codable, Equatable {
        public var rule: Rule
        public var mapper: String
        /// The errno of the call under test, 0 when it succeeded; nil when the rule was not tried
        /// or its answer is a behaviour.
        public var errno: Int32?
        /// The `container-lock` rule's answer: whether map calls serialize.
        public var behaviour: ContainerLockBehaviour? = nil
        /// What this mapper should answer: type1's errno for the errno rules; for
        /// `container-lock`, the behaviour of the lock model the mapper claims (type1 or iommufd).
        public var expected = ""
        /// Why the rule was not tried here (and how to make it reachable).
        public var skipped: String?
        /// What went wrong around the call under test (the region, or the legal map before it):
        /// the rule could not be judged, and the command fails.
        public var failure: String?
        /// What the call said, or what the setup around it did.
        public var detail: String
        /// Whether the answer is the expected one; nil when not tried.
        public var matchesExpected: Bool?
        /// The documented reason when a shim differs from type1 on purpose.
        public var documentedDifference: String?
        /// Whether the answer is judged: the shim's and type1's are, and every mapper's
        /// `container-lock` answer (against its own lock model); iommufd's errnos are shown only
        /// (it is another kernel interface with rules of its own).
        public var judged = true

        /// A rule that could not be judged: `why` its setup failed.
        static func failed(_ rule: Rule, on mapper: any DMAMapper, _ why: String) -> Outcome {
            Outcome(rule: rule, mapper: mapper.name, errno: nil, failure: why, detail: "not tried")
        }

        /// `EEXIST`, `ok` (the call succeeded), `serializes`, `FAILED` (its setup) or `skipped`.
        public var answer: String {
            if let behaviour { return behaviour.rawValue }
            guard let errno else { return failure == nil ? "skipped" : "FAILED" }
            return VFIORules.name(of: errno)
        }
    }

    /// Every errno the rules can give, by name; others by number.
    public static func name(of errno: Int32) -> String {
        switch errno {
        case 0: return "ok"
        case EEXIST: return "EEXIST"
        case EINVAL: return "EINVAL"
        case ENOENT: return "ENOENT"
        case ENOSPC: return "ENOSPC"
        case ENOMEM: return "ENOMEM"
        case EFAULT: return "EFAULT"
        case EPERM: return "EPERM"
        case EBUSY: return "EBUSY"
        default: return "errno \(errno)"
        }
    }

    /// More mappings than this is not worth making to reach the limit: the default 65535 is.
    public static let reachableEntryLimit = 4096

    /// The IOVA every rule maps at (as the vfio backend's: above the x86 MSI window).
    static let iova = VFIOBackend.iovaBase

    /// Tries `rules` in turn, each on a fresh mapper from `open`, so no rule sees another's
    /// mappings; a rule that leaves any behind fails (the mapper's deinit then unmaps them,
    /// before the next rule opens the container again).
    public static func run(_ rules: [Rule], mapperName: String, open: () throws(SystemError) -> any DMAMapper) throws(SystemError) -> [Outcome] {
        var outcomes: [Outcome] = []
        for rule in rules {
            let mapper = try open()
            var outcome = Self.run(rule, on: mapper)
            outcome.mapper = mapperName
            // A rule must leave the container as it found it, or the next rule's answer is not its own.
            if mapper.entryCount != 0, outcome.failure == nil {
                outcome.failure = "\(mapper.entryCount) mappings were left after the rule"
            }
            if rule == .containerLock {
                let claimed = ContainerLockBehaviour(model: mapper.containerLock)
                outcome.expected = claimed.rawValue
                outcome.matchesExpected = outcome.behaviour.map { $0 == claimed }
            } else {
                outcome.judged = !(mapper is IOMMUFDDMAMapper)
                outcome.expected = rule.type1Answer
                if outcome.errno != nil {
                    outcome.matchesExpected = outcome.errno == rule.type1Errno
                    if outcome.matchesExpected == false, mapper is ShimDMAMapper { outcome.documentedDifference = rule.shimDifference }
                }
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    // MARK: - The rules

    static func run(_ rule: Rule, on mapper: any DMAMapper) -> Outcome {
        func outcome(_ errno: Int32?, _ detail: String, skipped: String? = nil) -> Outcome {
            Outcome(rule: rule, mapper: mapper.name, errno: errno, skipped: skipped, failure: nil, detail: detail)
        }
        let mib = 1 << 20
        switch rule {
        case .overlap:
            return withRegion(4 * mib, rule: rule, mapper: mapper) { (region: Region) throws(SystemError) -> Outcome in
                try mapper.map(region, offset: 0, length: 2 * mib, iova: iova)
                defer { try? mapper.unmap(iova: iova, length: 2 * mib) }
                let result = attempt { () throws(SystemError) in
                    try mapper.map(region, offset: 2 * mib, length: 2 * mib, iova: iova + UInt64(mib))
                }
                if result.errno == 0 { try? mapper.unmap(iova: iova + UInt64(mib), length: 2 * mib) }
                return outcome(result.errno, result.detail)
            }
        case .partialUnmap:
            return withRegion(2 * mib, rule: rule, mapper: mapper) { (region: Region) throws(SystemError) -> Outcome in
                try mapper.map(region, offset: 0, length: 2 * mib, iova: iova)
                let result = attempt { () throws(SystemError) in try mapper.unmap(iova: iova, length: mib) }
                // Whatever is left of the mapping goes, whichever part that is.
                try? mapper.unmap(iova: iova, length: 2 * mib)
                try? mapper.unmap(iova: iova + UInt64(mib), length: mib)
                return outcome(result.errno, result.detail)
            }
        case .unmapNothing:
            let result = attempt { () throws(SystemError) in try mapper.unmap(iova: iova + UInt64(64 * mib), length: 2 * mib) }
            return outcome(result.errno, result.detail)
        case .entryLimit:
            let limit = mapper.entryLimit
            guard limit <= reachableEntryLimit else {
                let why = limit == Int.max
                    ? "this mapper has no entry limit (iommufd bounds areas by memory only)"
                    : "dma_entry_limit is \(limit): boot with vfio_iommu_type1.dma_entry_limit=64 "
                        + "(or give the shim --entry-limit 64) to reach it"
                return outcome(nil, "not tried", skipped: why)
            }
            let page = PageSize.base.bytes
            return withRegion((limit + 1) * page, rule: rule, mapper: mapper) { (region: Region) throws(SystemError) -> Outcome in
                defer { try? mapper.unmap(iova: iova, length: (limit + 1) * page) }
                for index in 0..<limit {
                    try mapper.map(region, offset: index * page, length: page, iova: iova + UInt64(index * page))
                }
                let result = attempt { () throws(SystemError) in
                    try mapper.map(region, offset: limit * page, length: page, iova: iova + UInt64(limit * page))
                }
                return outcome(result.errno, "\(limit) mappings made; then: \(result.detail)")
            }
        case .memlock:
            let limit = MemlockLimit.current()
            guard !limit.hasIPCLock, let soft = limit.softBytes else {
                return outcome(nil, "not tried", skipped: "RLIMIT_MEMLOCK is \(limit.description): run it without CAP_IPC_LOCK "
                    + "under a small limit, e.g. setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock "
                    + "prlimit --memlock=1048576:1048576 pinbench vfio-rules --rule memlock ...")
            }
            let length = (soft / (2 * mib) + 2) * 2 * mib
            return withRegion(length, rule: rule, mapper: mapper) { (region: Region) throws(SystemError) -> Outcome in
                let result = attempt { () throws(SystemError) in try mapper.map(region, offset: 0, length: length, iova: iova) }
                if result.errno == 0 { try? mapper.unmap(iova: iova, length: length) }
                return outcome(result.errno, "map of \(ByteSize(length)) under RLIMIT_MEMLOCK \(ByteSize(soft)): \(result.detail)")
            }
        case .containerLock:
            return probeContainerLock(on: mapper)
        }
    }

    /// The errno of `body` (0 when it succeeded) and what it said.
    static func attempt(_ body: () throws(SystemError) -> Void) -> (errno: Int32, detail: String) {
        do throws(SystemError) {
            try body()
            return (0, "succeeded")
        } catch {
            return (error.errno, error.description)
        }
    }

    /// The memory every rule maps: anonymous, or a memfd for a mapper that maps files.
    static func ruleMemory(for mapper: any DMAMapper) -> MemoryKind { mapper.mapsFiles ? .memfd : .anon }

    /// Runs `body` on a fresh region of `bytes` (`ruleMemory`); a failure of the setup around the
    /// call under test (mapping the region, or the first, legal map) is reported as such.
    static func withRegion(_ bytes: Int, rule: Rule, mapper: any DMAMapper, _ body: (Region) throws(SystemError) -> Outcome) -> Outcome {
        let region: Region
        do { region = try Region.map(kind: ruleMemory(for: mapper), size: ByteSize(bytes)) } catch {
            return .failed(rule, on: mapper, "could not map \(ByteSize(bytes)): \(error)")
        }
        do throws(SystemError) { return try body(region) } catch {
            return .failed(rule, on: mapper, "the setup before the call under test failed: \(error)")
        }
    }
}
