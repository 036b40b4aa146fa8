import PinContract
import PinCore
import PinSystem

extension BackendID {
    public static let vfio = BackendID(rawValue: "vfio")
}

extension BackendOption {
    /// Which mapper: shim, type1:<group>, iommufd:<device> or iommufd-file:<device>.
    public static let vfio = BackendOption("--vfio")
    /// The shim's `locked_vm` model: shared or cached:<pages>.
    public static let lockedVM = BackendOption("--locked-vm")
    /// The shim's container lock model: type1 or iommufd.
    public static let containerLock = BackendOption("--container-lock", valueName: "container lock")
    /// iommufd: one shared IOMMU domain for the listed devices, or one per device.
    public static let iommufdDomains = BackendOption("--iommufd-domains", valueName: "iommufd domains")
    /// The dirty tracker measured after each map: type1, iommufd or iommufd-mock.
    public static let dirtyTracking = BackendOption("--dirty-tracking", valueName: "dirty tracker")
}

/// The figures a `vfio` run reports.
public enum VFIOMetric {
    public static let mapCalls = Metric("mapCalls", heading: "map calls")
    public static let unmapCalls = Metric("unmapCalls", heading: "unmap calls")
    public static let peakIOVAEntries = Metric("peakIOVAEntries", heading: "peak IOVA entries")
    public static let rings = Metric("rings", heading: "rings")
    public static let lockedVMUpdates = Metric("lockedVMUpdates", heading: "locked_vm updates")
    public static let containerLock = Metric("containerLockSeconds", unit: .seconds, heading: "container lock held")
    public static let pinnedUnderContainerLock = Metric("pinnedUnderContainerLockBytes", unit: .bytes, heading: "pinned under lock")
    public static let maxConcurrentPinners = Metric("maxConcurrentPinners", heading: "max concurrent pinners")
    public static let physicalRuns = Metric("physicalRuns", heading: "physical runs")
    public static let longestPhysicalRun = Metric("longestPhysicalRunBytes", unit: .bytes, heading: "longest run")

    public static let iommuDomains = Metric("iommuDomains", heading: "IOMMU domains")
    public static let devices = Metric("devices", heading: "devices")

    public static let mapper = BackendFact("mapper")
    /// iommufd: the mode, and which HWPT each device is attached to.
    public static let domains = BackendFact("domains")
}

extension VFIOOptions: BackendOptions {
    public static let backend = BackendID.vfio
    public static let summary = "DMA map / unmap with VFIO semantics (--vfio shim|type1:<group>|iommufd:<device>|iommufd-file:<device>)"
    public static var metrics: [Metric] {
        [VFIOMetric.mapCalls, VFIOMetric.unmapCalls, VFIOMetric.peakIOVAEntries, VFIOMetric.rings, VFIOMetric.lockedVMUpdates,
         VFIOMetric.containerLock, VFIOMetric.pinnedUnderContainerLock, VFIOMetric.maxConcurrentPinners,
         VFIOMetric.physicalRuns, VFIOMetric.longestPhysicalRun, VFIOMetric.iommuDomains, VFIOMetric.devices] + DirtyMetric.all
    }
    public static var accepts: [(option: BackendOption, values: BackendOption.Values)] {
        [(.vfio, .any), (.lockedVM, .any), (.containerLock, .any), (.iommufdDomains, .any), (.dirtyTracking, .any)]
    }
    public static let specificationKey: String? = "vfio"

    public init(arguments: BackendArguments) throws(BackendOptionError) {
        let path: Path
        let lockedVM: LockedVM?
        do throws(PlanError) {
            path = try Self.value(of: .vfio, in: arguments).map { text throws(PlanError) in try Path(parsing: text) } ?? .shim
            lockedVM = try Self.value(of: .lockedVM, in: arguments).map { text throws(PlanError) in try LockedVM(parsing: text) }
        } catch {
            throw BackendOptionError(error.description)
        }
        let containerLock = try Self.value(of: .containerLock, in: arguments).map { text throws(BackendOptionError) in
            try BackendOption.containerLock.choice(text, as: ContainerLock.self)
        }
        if path != .shim, lockedVM != nil || containerLock != nil {
            throw BackendOptionError("--locked-vm and --container-lock model the shim; a real \(path) container has the kernel's own")
        }
        let domains = try Self.value(of: .iommufdDomains, in: arguments).map { text throws(BackendOptionError) in
            try BackendOption.iommufdDomains.choice(text, as: Domains.self)
        }
        if domains != nil, path.devices.isEmpty {
            throw BackendOptionError("--iommufd-domains chooses the domains of an iommufd IOAS, and --vfio \(path) has none to choose "
                + "(type1 puts a container's groups in one domain by itself): use --vfio iommufd:<device>,<device>")
        }
        let dirtyTracking = try Self.value(of: .dirtyTracking, in: arguments).map { text throws(BackendOptionError) in
            try BackendOption.dirtyTracking.choice(text, as: DirtyTrackingMode.self)
        }
        if let dirtyTracking, let refusal = Self.refusal(dirtyTracking: dirtyTracking, path: path,
                                                        shimModels: lockedVM != nil || containerLock != nil) {
            throw BackendOptionError(refusal)
        }
        if dirtyTracking != nil, domains != nil {
            throw BackendOptionError("--dirty-tracking measures one device's domain, and --iommufd-domains chooses several: drop one of them")
        }
        self.init(path: path, lockedVM: lockedVM ?? .shared, containerLock: containerLock ?? .type1, domains: domains ?? .shared,
                  dirtyTracking: dirtyTracking)
    }

    /// What `--dirty-tracking` needs of `--vfio`, for its refusals.
    public static let dirtyTrackingForms = "--dirty-tracking type1 needs --vfio type1:<group>, iommufd needs --vfio iommufd:<device>, "
        + "iommufd-mock needs no --vfio (it maps through iommufd's mock domain)"

    /// Why `tracker` cannot measure over `path`, nil when it can.
    static func refusal(dirtyTracking tracker: DirtyTrackingMode, path: Path, shimModels: Bool) -> String? {
        switch (tracker, path) {
        case (.type1, .type1): return nil
        case (.iommufd, .iommufd(let devices)) where devices.count == 1: return nil
        case (.iommufd, .iommufd):
            return "--dirty-tracking iommufd reads one device's dirty-tracking domain: list one device in --vfio iommufd:<device>"
        case (.iommufdMock, .shim) where !shimModels: return nil
        case (.iommufdMock, .shim):
            return "--locked-vm and --container-lock model the shim; --dirty-tracking iommufd-mock maps through iommufd's mock domain"
        case (.iommufd, .iommufdFile):
            return "--dirty-tracking iommufd reads the bitmap of an IOMMU_IOAS_MAP mapping: use --vfio iommufd:<device>"
        default:
            return "--dirty-tracking \(tracker) cannot track --vfio \(path): " + dirtyTrackingForms
        }
    }

    /// type1 charges `locked_vm` (`vfio_lock_acct`); iommufd and the shim's io_uring
    /// registration charge `pinned_vm`.
    public var charges: ChargedCounter {
        switch path {
        case .type1: .lockedVM
        case .shim, .iommufd, .iommufdFile: .pinnedVM
        }
    }

    /// Only the shim can split one map call across helpers: a real kernel pins a `MAP_DMA` on its caller.
    public var capabilities: BackendCapabilities {
        path == .shim && dirtyTracking == nil ? [.prefault, .pins, .realMemory, .splitsCalls] : [.prefault, .pins, .realMemory]
    }

    public var label: String {
        switch dirtyTracking {
        case nil: "vfio \(path)"
        case .iommufdMock?: "vfio iommufd-mock (MOCK domain)"
        case let tracker?: "vfio \(path) dirty \(tracker)"
        }
    }

    /// A real container's devices: type1's group, iommufd's cdevs in the order given; the shim has none.
    public var dmaDevices: [DMADevice.Reference] {
        switch path {
        case .shim: []
        case .type1(let group): [.vfioGroup(group)]
        case .iommufd(let devices), .iommufdFile(let devices): devices.map { .vfioDevice($0) }
        }
    }
    public var recorded: String? { description }

    public func refusal(prefault: Bool, strategies: [Strategy]) -> String? {
        guard strategies.contains(.kernel), !capabilities.contains(.splitsCalls) else { return nil }
        if dirtyTracking != nil {
            return "--strategy kernel splits one map call across helpers, which only --vfio shim can do, and --dirty-tracking "
                + "maps through a real kernel: drop kernel"
        }
        return "--strategy kernel splits one map call across helpers, which only --vfio shim can do "
            + "(a real kernel pins a MAP_DMA on its caller): drop kernel or use the shim"
    }

    /// `IOMMU_IOAS_MAP_FILE` maps a file's range: only the kinds that are a file can go through it.
    public func refusal(memory: MemoryKind) -> String? {
        guard path.mapsFiles, !memory.isShared else { return nil }
        let files = MemoryKind.allCases.filter(\.isShared).map(\.rawValue).joined(separator: ", ")
        return "--vfio iommufd-file maps a file's range (IOMMU_IOAS_MAP_FILE) and \(memory) memory is no file: "
            + "use --memory \(files), or --vfio iommufd:<device> (IOMMU_IOAS_MAP) for \(memory)"
    }

    public func makeBackend() throws(SystemError) -> any PinBackend { try VFIOBackend(options: self) }
}
