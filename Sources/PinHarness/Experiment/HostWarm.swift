import PinSystem

/// Whether each repetition's memory is touched, untimed, just before the repetition maps it
/// (`--host-warm`).
///
/// In a VM with free page reporting the guest hands freed memory back to the host, which drops
/// it; the next guest touch of those pages then faults in the host as well (an EPT violation,
/// a host page allocated and zeroed), 5-20x the guest's own cost. Which pages a repetition gets
/// is up to the guest's allocator, and it hands out what was freed last first: mapping the same
/// kind and size, populating it and unmapping it right before the repetition makes the host
/// back exactly the pages the repetition is about to get. Everything the guest itself does
/// (its faults, zeroing, page tables, the pinning) stays in the timing. Bare metal has no host
/// to warm, so there it never runs.
public enum HostWarm: String, Sendable, Codable, CaseIterable, Equatable {
    /// On exactly where the machine is virtualized with free page reporting.
    case auto
    /// On in any VM (e.g. a balloon that reports without the sysfs order, or to compare).
    case on
    case off

    /// The host facts `auto` and `on` decide from.
    public struct Machine: Sendable, Equatable {
        public var virtualized: Bool
        public var freePageReporting: Bool

        public init(virtualized: Bool, freePageReporting: Bool) {
            self.virtualized = virtualized
            self.freePageReporting = freePageReporting
        }

        /// This machine: the `hypervisor` CPU flag and `page_reporting_order` (as machine.json).
        public static func current() -> Machine {
            let record = MachineRecord.hostFacts()
            return Machine(virtualized: record.virtualized, freePageReporting: record.freePageReporting)
        }
    }

    /// Whether repetitions are warmed on `machine`; `on` outside a VM is refused.
    public func resolve(on machine: Machine) throws(HarnessError) -> Bool {
        switch self {
        case .off: return false
        case .auto: return machine.virtualized && machine.freePageReporting
        case .on:
            guard machine.virtualized else {
                throw .invalidInput("--host-warm on is for virtual machines (no hypervisor flag in /proc/cpuinfo here): "
                                    + "on bare metal there is no host to warm, and every first touch is real cost")
            }
            return true
        }
    }
}
