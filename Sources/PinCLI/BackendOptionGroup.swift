import ArgumentParser
import PinBackends
import PinContract
import PinCore

/// Every backend's options, shared by `run`, `sweep` and `hold`. What is typed goes to the
/// backends as `BackendArguments`: the catalog refuses an option no chosen backend takes,
/// naming its owner, and each backend parses and checks its own values.
struct BackendOptionGroup: ParsableArguments {
    @Flag(name: .customLong("populate-read"), help: "populate: MADV_POPULATE_READ instead of _WRITE.")
    var populateRead = false

    @Option(name: .customLong("vfio"),
            help: "vfio backend: shim (io_uring pins, no device needed), type1:<group> (/dev/vfio/<group>), iommufd:<device>[,<device>...] (/dev/vfio/devices/<device>, IOMMU_IOAS_MAP; several devices share one IOAS, see --iommufd-domains) or iommufd-file:<device>[,<device>...] (the same IOAS mapping the region's memfd or hugetlbfs file with IOMMU_IOAS_MAP_FILE, Linux 6.13+; memfd, memfd-hugetlb-* and hugetlbfs-* memory only). Default: shim.")
    var vfio: String?

    @Option(name: .customLong("iommufd-domains"),
            help: "vfio iommufd: shared (one IOMMU domain, IOMMU_HWPT_ALLOC for the first device, every device attached to it) or per-device (IOMMU_HWPT_ALLOC for each device over the same IOAS: every map goes into each domain). Default: shared.")
    var iommufdDomains: String?

    @Option(name: .customLong("locked-vm"),
            help: "vfio shim: charge locked_vm per 512-page batch to one shared counter (shared), or per thread in batches of <pages> (cached:<pages>). Default: shared.")
    var lockedVM: String?

    @Option(name: .customLong("container-lock"),
            help: "vfio shim: type1 (one mutex held for each whole map call) or iommufd (none across the pin). Default: type1.")
    var containerLock: String?

    @Option(name: .customLong("dirty-tracking"),
            help: "vfio: after each map, time dirty tracking's start, bitmap reads of the whole range, stop (and for type1 the unmap with bitmap), checking every bitmap: type1 (VFIO_IOMMU_DIRTY_PAGES; needs --vfio type1:<group>), iommufd (IOMMU_HWPT_GET_DIRTY_BITMAP on a dirty-tracking HWPT; needs --vfio iommufd:<device> and an IOMMU with dirty bits) or iommufd-mock (the same on iommufd's selftest mock domain, CONFIG_IOMMUFD_TEST; no device, no --vfio; figures marked MOCK).")
    var dirtyTracking: String?

    @Option(name: .customLong("gup"),
            help: """
                foliosim: per-page (a walk and atomics per 4 KiB page) or folio (batched; default). \
                kmod: remote (pin_user_pages_remote under mmap_read_lock; default), fast (pin_user_pages_fast \
                on the caller's own worker) or memfd (memfd_pin_folios, one pin per folio; memfd and hugetlbfs kinds).
                """)
    var gup: String?

    @Option(name: .customLong("unpin"),
            help: "foliosim and kmod: drop pins per-page (unpin_user_page) or per folio (batched). Default: foliosim as --gup, kmod folio.")
    var unpin: String?

    @Option(name: .customLong("gup-batch"),
            help: "kmod: pages (folios for --gup memfd) per pin call inside the module, 1 to 262144 (default 512, as type1).")
    var gupBatch: String?

    @Option(name: .customLong("map-device"),
            help: "kmod: also map what the module pins into the IOMMU domain it owns for this PCI device (0000:00:04.0), bound to the module by driver_override.")
    var mapDevice: String?

    @Option(name: .customLong("iova-base"),
            help: "kmod with --map-device: the IOVA of the region's first byte, page-aligned (default 4G, above the MSI window).")
    var iovaBase: String?

    @Option(name: .customLong("folios"),
            help: "foliosim: folio layout: memory (the --memory kind's folio size), mixed:<seed> (a seeded mix of 1G, 2M, 64K, 16K and 4K folios) or pagemap (what the kernel gave a real region; root). Default: memory.")
    var folios: String?

    /// What was typed, for the backends; `bind` is `--bind`, which the module reads too.
    func arguments(bind: BindPolicy) -> BackendArguments {
        var arguments = BackendArguments(bind: bind)
        if populateRead { arguments.set(.populateRead) }
        if let vfio { arguments.set(.vfio, vfio) }
        if let iommufdDomains { arguments.set(.iommufdDomains, iommufdDomains.lowercased()) }
        if let lockedVM { arguments.set(.lockedVM, lockedVM) }
        if let containerLock { arguments.set(.containerLock, containerLock.lowercased()) }
        if let dirtyTracking { arguments.set(.dirtyTracking, dirtyTracking.lowercased()) }
        if let gup { arguments.set(.gup, gup.lowercased()) }
        if let unpin { arguments.set(.unpin, unpin.lowercased()) }
        if let gupBatch { arguments.set(.gupBatch, gupBatch) }
        if let mapDevice { arguments.set(.mapDevice, mapDevice) }
        if let iovaBase { arguments.set(.iovaBase, iovaBase) }
        if let folios { arguments.set(.folios, folios) }
        return arguments
    }

    /// The options of each of `backends`, after refusing any option none of them takes;
    /// `needs(backend)` says how to ask for a backend ("--backend kmod", "kmod in --backends").
    func options(for backends: [BackendID], bind: BindPolicy, needs: (BackendID) -> String) throws -> [any BackendOptions] {
        let catalog = Backends.catalog
        let given = arguments(bind: bind)
        do throws(BackendOptionError) {
            try catalog.check(given, selected: backends, needs: needs)
            return try backends.map { backend throws(BackendOptionError) in try catalog.options(for: backend, arguments: given) }
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// A backend's name as typed, or an error naming every backend.
func parseBackend(_ text: String) throws -> BackendID {
    do { return try Backends.catalog.parse(text).backend } catch { throw ValidationError(error.description) }
}

/// The `--backend` help: every backend's name, and what it does.
func backendHelp(default name: BackendID) -> ArgumentHelp {
    let catalog = Backends.catalog
    return ArgumentHelp(
        "\(catalog.names.map(\.rawValue).joined(separator: ", ")) (default: \(name)).",
        discussion: catalog.all.map { "\($0.backend): \($0.summary)" }.joined(separator: "\n"))
}
