import ArgumentParser
import PinBackends
import PinCore

/// The `vfio` backend's options, shared by `run` and `sweep`.
struct VFIOOptionGroup: ParsableArguments {
    @Option(name: .customLong("vfio"),
            help: "vfio backend: shim (io_uring pins, no device needed), type1:<group> (/dev/vfio/<group>) or iommufd:<device> (/dev/vfio/devices/<device>). Default: shim.",
            transform: parseVFIOPath)
    var path: VFIOOptions.Path = .shim

    @Option(name: .customLong("locked-vm"),
            help: "vfio shim: charge locked_vm per 512-page batch to one shared counter (shared), or per thread in batches of <pages> (cached:<pages>). Default: shared.",
            transform: parseLockedVM)
    var lockedVM: VFIOOptions.LockedVM?

    @Option(name: .customLong("container-lock"),
            help: "vfio shim: type1 (one mutex held for each whole map call) or iommufd (none across the pin). Default: type1.",
            transform: { try parseChoice($0, "container lock") as VFIOOptions.ContainerLock })
    var containerLock: VFIOOptions.ContainerLock?

    func validate() throws {
        if path != .shim, lockedVM != nil || containerLock != nil {
            throw ValidationError("--locked-vm and --container-lock model the shim; a real \(path) container has the kernel's own")
        }
    }

    var options: VFIOOptions {
        VFIOOptions(path: path, lockedVM: lockedVM ?? .shared, containerLock: containerLock ?? .type1)
    }

    /// Whether any vfio option was given (they need `--backend vfio`).
    var given: Bool { path != .shim || lockedVM != nil || containerLock != nil }

    /// The options as given, for a command line to be replayed (sweep.json).
    var arguments: [String] {
        var arguments: [String] = []
        if path != .shim { arguments += ["--vfio", path.description] }
        if let lockedVM { arguments += ["--locked-vm", lockedVM.description] }
        if let containerLock { arguments += ["--container-lock", containerLock.rawValue] }
        return arguments
    }
}

func parseVFIOPath(_ text: String) throws -> VFIOOptions.Path {
    do { return try VFIOOptions.Path(parsing: text) } catch { throw ValidationError(error.description) }
}

func parseLockedVM(_ text: String) throws -> VFIOOptions.LockedVM {
    do { return try VFIOOptions.LockedVM(parsing: text) } catch { throw ValidationError(error.description) }
}
