import PinSystem

/// Which of the process's counters a backend's pins are charged to, and so which one
/// `RLIMIT_MEMLOCK` is checked against before a run: `mlock` and VFIO type1 charge
/// `locked_vm` (`VmLck`), io_uring's buffer registration, iommufd and PinBench's module
/// charge `pinned_vm` (`VmPin`); populating charges nothing.
public enum ChargedCounter: Sendable, Equatable, CustomStringConvertible {
    case none
    case lockedVM
    case pinnedVM

    /// The counter in `/proc/self/status`, nil for `none`.
    public var statusField: KeyPath<ProcStatus, Int>? {
        switch self {
        case .none: nil
        case .lockedVM: \.lockedBytes
        case .pinnedVM: \.pinnedBytes
        }
    }

    public var description: String {
        switch self {
        case .none: "nothing"
        case .lockedVM: "locked_vm (VmLck)"
        case .pinnedVM: "pinned_vm (VmPin)"
        }
    }
}
