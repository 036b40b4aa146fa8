import PinCore

/// How the `vfio` backend maps: which mapper, and the shim's bookkeeping models.
public struct VFIOOptions: Sendable, Equatable, CustomStringConvertible {
    /// Which implementation of the DMA mapper (`--vfio`).
    public enum Path: Sendable, Equatable, CustomStringConvertible {
        /// io_uring fixed-buffer registration with VFIO's bookkeeping, for machines without a device.
        case shim
        /// A real VFIO type1 container around the group at this path (`/dev/vfio/<group>`).
        case type1(group: String)
        /// A real iommufd IOAS with the vfio device cdevs at these paths (`/dev/vfio/devices/vfioN`)
        /// attached, through one shared domain or one each (`VFIOOptions.Domains`); one device
        /// or more, each at most once.
        case iommufd(devices: [String])
        /// The same IOAS, mapping by file: `IOMMU_IOAS_MAP_FILE` (Linux 6.13) pins the region's
        /// memfd or hugetlbfs file through `memfd_pin_folios`, with no page-table walk.
        case iommufdFile(devices: [String])

        /// One device's IOAS (`IOMMU_IOAS_MAP`).
        public static func iommufd(device: String) -> Path { .iommufd(devices: [device]) }
        /// One device's IOAS mapping by file (`IOMMU_IOAS_MAP_FILE`).
        public static func iommufdFile(device: String) -> Path { .iommufdFile(devices: [device]) }

        /// The forms `--vfio` takes, for its errors and help.
        public static let forms = "shim, type1:<group>, iommufd:<device>[,<device>...] or iommufd-file:<device>[,<device>...]"

        /// Parses `shim`, `type1:<group>` (a group number or an absolute path),
        /// `iommufd:<devices>` or `iommufd-file:<devices>` (a comma-separated list of `vfioN` or
        /// absolute paths, none twice).
        public init(parsing text: String) throws(PlanError) {
            if text == "shim" { self = .shim; return }
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw .invalidParameter("--vfio must be \(Self.forms), not '\(text)'")
            }
            let name = parts[1]
            let isPath = name.hasPrefix("/")
            switch parts[0] {
            case "type1" where name.contains(","):
                throw .invalidParameter("--vfio type1 takes one group, not '\(name)': type1 puts every group of a container "
                    + "in one shared IOMMU domain by itself; list devices with iommufd:<device>,<device> to choose the domains")
            case "type1" where isPath || UInt(name) != nil:
                self = .type1(group: isPath ? name : "/dev/vfio/\(name)")
            case "iommufd":
                self = .iommufd(devices: try Self.devices(name, text: text))
            case "iommufd-file":
                self = .iommufdFile(devices: try Self.devices(name, text: text))
            default: throw .invalidParameter("--vfio must be \(Self.forms), not '\(text)'")
            }
        }

        /// The most devices one IOAS is given here: more than a two-socket machine's devices
        /// per IOAS, few enough that a typo is not 10000 opens.
        public static let maxDevices = 64

        /// A device list: each `vfioN` or an absolute path, at most `maxDevices`, none twice.
        private static func devices(_ list: String, text: String) throws(PlanError) -> [String] {
            let names = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard names.count <= maxDevices else {
                throw .invalidParameter("--vfio lists \(names.count) devices, at most \(maxDevices) share one IOAS here")
            }
            var paths: [String] = []
            for name in names {
                let isPath = name.hasPrefix("/")
                guard isPath || (name.hasPrefix("vfio") && UInt(name.dropFirst(4)) != nil) else {
                    throw .invalidParameter("--vfio must be \(Self.forms), not '\(text)': '\(name)' is no vfioN or absolute path")
                }
                let path = isPath ? name : "/dev/vfio/devices/\(name)"
                guard !paths.contains(path) else {
                    throw .invalidParameter("--vfio lists \(path) twice: a device attaches to one IOAS once; list each device once")
                }
                paths.append(path)
            }
            return paths
        }

        /// The device cdevs of an iommufd path; empty for the shim and type1.
        public var devices: [String] {
            switch self {
            case .shim, .type1: return []
            case .iommufd(let devices), .iommufdFile(let devices): return devices
            }
        }

        /// Whether the mapper maps the region's file (`IOMMU_IOAS_MAP_FILE`), not its addresses.
        public var mapsFiles: Bool {
            if case .iommufdFile = self { return true }
            return false
        }

        public var description: String {
            switch self {
            case .shim: return "shim"
            case .type1(let group): return "type1:\(group)"
            case .iommufd(let devices): return "iommufd:\(devices.joined(separator: ","))"
            case .iommufdFile(let devices): return "iommufd-file:\(devices.joined(separator: ","))"
            }
        }
    }

    /// How pinned pages are charged to `locked_vm` (`--locked-vm`).
    public enum LockedVM: Sendable, Equatable, CustomStringConvertible {
        /// Every charge updates one counter under one lock (upstream `vfio_lock_acct`).
        case shared
        /// Each pinning thread takes `pages` at a time from the counter and charges locally
        /// (the multithreaded pinning RFC's locked_vm cache).
        case cached(pages: Int)

        /// Parses `shared` or `cached:<pages>`.
        public init(parsing text: String) throws(PlanError) {
            if text == "shared" { self = .shared; return }
            // At most the pages of the largest address space, so charges of them cannot overflow.
            if text.hasPrefix("cached:"), let pages = Int(text.dropFirst("cached:".count)),
               (1...AddressSpace.largest.bytes / PageSize.base.bytes).contains(pages) {
                self = .cached(pages: pages)
                return
            }
            throw .invalidParameter("--locked-vm must be shared or cached:<pages> (pages 1...\(AddressSpace.largest.bytes / PageSize.base.bytes)), not '\(text)'")
        }

        public var description: String {
            switch self {
            case .shared: return "shared"
            case .cached(let pages): return "cached:\(pages)"
            }
        }
    }

    /// Which container lock the shim models (`--container-lock`).
    public enum ContainerLock: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
        /// One mutex held for the whole map call (type1's `iommu->lock`): threads mapping in parallel serialize.
        case type1
        /// No container-wide lock across the pin (iommufd pins before it takes the IOVA lock).
        case iommufd

        public var description: String { rawValue }
    }

    public var path: Path
    public var lockedVM: LockedVM
    public var containerLock: ContainerLock
    /// How an iommufd path's devices get their IOMMU domains (`--iommufd-domains`).
    public var domains: Domains
    /// The dirty tracker measured after each map (`--dirty-tracking`); nil measures none.
    /// `iommufd-mock` maps through iommufd's mock domain instead of `path` (which stays `.shim`).
    public var dirtyTracking: DirtyTrackingMode?

    public init(path: Path = .shim, lockedVM: LockedVM = .shared, containerLock: ContainerLock = .type1,
                domains: Domains = .shared, dirtyTracking: DirtyTrackingMode? = nil) {
        self.path = path
        self.lockedVM = lockedVM
        self.containerLock = containerLock
        self.domains = domains
        self.dirtyTracking = dirtyTracking
    }

    /// The shim's models, or the path; an iommufd path with several devices, or per-device
    /// domains, also says how many domains and how they are shared ("iommufd:A,B (2 per-device
    /// domains)"), so every table and `Options:` line tells the rows apart.
    public var description: String {
        if dirtyTracking == .iommufdMock { return "iommufd-mock (MOCK domain), dirty-tracking iommufd-mock" }
        let mapper: String
        switch path {
        case .shim: mapper = "shim, locked-vm \(lockedVM), container-lock \(containerLock)"
        case .type1: mapper = path.description
        case .iommufd(let devices), .iommufdFile(let devices):
            mapper = devices.count > 1 || domains != .shared ? "\(path) (\(domains.describe(devices: devices.count)))" : path.description
        }
        return mapper + (dirtyTracking.map { ", dirty-tracking \($0)" } ?? "")
    }
}

// MARK: - Codable as the command line spells it

extension VFIOOptions: Codable {
    private enum CodingKeys: String, CodingKey { case path, lockedVM, containerLock, iommufdDomains, dirtyTracking }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            self.init(
                path: try Path(parsing: try container.decode(String.self, forKey: .path)),
                lockedVM: try LockedVM(parsing: try container.decode(String.self, forKey: .lockedVM)),
                containerLock: try ContainerLock(rawValue: container.decode(String.self, forKey: .containerLock))
                    ?? { throw PlanError.invalidParameter("unknown container lock") }(),
                // Sets made before the choice existed had one device and its one domain.
                domains: try container.decodeIfPresent(String.self, forKey: .iommufdDomains).map { text in
                    try Domains(rawValue: text) ?? { throw PlanError.invalidParameter("unknown iommufd domains '\(text)'") }()
                } ?? .shared,
                dirtyTracking: try container.decodeIfPresent(String.self, forKey: .dirtyTracking).map { text in
                    try DirtyTrackingMode(rawValue: text) ?? { throw PlanError.invalidParameter("unknown dirty tracker '\(text)'") }()
                })
        } catch let error as PlanError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path.description, forKey: .path)
        try container.encode(lockedVM.description, forKey: .lockedVM)
        try container.encode(containerLock.rawValue, forKey: .containerLock)
        if domains != .shared { try container.encode(domains.rawValue, forKey: .iommufdDomains) }
        try container.encodeIfPresent(dirtyTracking?.rawValue, forKey: .dirtyTracking)
    }
}
