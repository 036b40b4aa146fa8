import PinCore

/// How the `vfio` backend maps: which mapper, and the shim's bookkeeping models.
public struct VFIOOptions: Sendable, Equatable, CustomStringConvertible {
    /// Which implementation of the DMA mapper (`--vfio`).
    public enum Path: Sendable, Equatable, CustomStringConvertible {
        /// io_uring fixed-buffer registration with VFIO's bookkeeping, for machines without a device.
        case shim
        /// A real VFIO type1 container around the group at this path (`/dev/vfio/<group>`).
        case type1(group: String)
        /// A real iommufd IOAS with the vfio device cdev at this path (`/dev/vfio/devices/vfioN`) attached.
        case iommufd(device: String)
        /// The same IOAS, mapping by file: `IOMMU_IOAS_MAP_FILE` (Linux 6.13) pins the region's
        /// memfd or hugetlbfs file through `memfd_pin_folios`, with no page-table walk.
        case iommufdFile(device: String)

        /// The forms `--vfio` takes, for its errors and help.
        public static let forms = "shim, type1:<group>, iommufd:<device> or iommufd-file:<device>"

        /// Parses `shim`, `type1:<group>` (a group number or an absolute path),
        /// `iommufd:<device>` or `iommufd-file:<device>` (`vfioN` or an absolute path).
        public init(parsing text: String) throws(PlanError) {
            if text == "shim" { self = .shim; return }
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw .invalidParameter("--vfio must be \(Self.forms), not '\(text)'")
            }
            let name = parts[1]
            let isPath = name.hasPrefix("/")
            switch parts[0] {
            case "type1" where isPath || UInt(name) != nil:
                self = .type1(group: isPath ? name : "/dev/vfio/\(name)")
            case "iommufd" where isPath || (name.hasPrefix("vfio") && UInt(name.dropFirst(4)) != nil):
                self = .iommufd(device: isPath ? name : "/dev/vfio/devices/\(name)")
            case "iommufd-file" where isPath || (name.hasPrefix("vfio") && UInt(name.dropFirst(4)) != nil):
                self = .iommufdFile(device: isPath ? name : "/dev/vfio/devices/\(name)")
            default: throw .invalidParameter("--vfio must be \(Self.forms), not '\(text)'")
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
            case .iommufd(let device): return "iommufd:\(device)"
            case .iommufdFile(let device): return "iommufd-file:\(device)"
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
    /// The dirty tracker measured after each map (`--dirty-tracking`); nil measures none.
    /// `iommufd-mock` maps through iommufd's mock domain instead of `path` (which stays `.shim`).
    public var dirtyTracking: DirtyTrackingMode?

    public init(path: Path = .shim, lockedVM: LockedVM = .shared, containerLock: ContainerLock = .type1,
                dirtyTracking: DirtyTrackingMode? = nil) {
        self.path = path
        self.lockedVM = lockedVM
        self.containerLock = containerLock
        self.dirtyTracking = dirtyTracking
    }

    public var description: String {
        if dirtyTracking == .iommufdMock { return "iommufd-mock (MOCK domain), dirty-tracking iommufd-mock" }
        let mapper: String
        switch path {
        case .shim: mapper = "shim, locked-vm \(lockedVM), container-lock \(containerLock)"
        default: mapper = path.description
        }
        return mapper + (dirtyTracking.map { ", dirty-tracking \($0)" } ?? "")
    }
}

// MARK: - Codable as the command line spells it

extension VFIOOptions: Codable {
    private enum CodingKeys: String, CodingKey { case path, lockedVM, containerLock, dirtyTracking }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            self.init(
                path: try Path(parsing: try container.decode(String.self, forKey: .path)),
                lockedVM: try LockedVM(parsing: try container.decode(String.self, forKey: .lockedVM)),
                containerLock: try ContainerLock(rawValue: container.decode(String.self, forKey: .containerLock))
                    ?? { throw PlanError.invalidParameter("unknown container lock") }(),
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
        try container.encodeIfPresent(dirtyTracking?.rawValue, forKey: .dirtyTracking)
    }
}
