import CPinBaseline
import PinCore
import PinSystem

/// A backend's self-description and its options: each backend has one type conforming to
/// this, in its own folder, and registers it once (`Backends.standard`, or
/// `BackendRegistry.register` for one outside the package). A value is one backend with options
/// that mean something to it, so no combination of another backend's options can be built;
/// the harness, the engine and the CLI read what it declares and never ask which backend it is.
public protocol BackendOptions: Sendable, Codable, Equatable, CustomStringConvertible {
    /// `--backend` names it so; records and `sweep.json` carry the name.
    static var backend: BackendID { get }
    /// One line for `--help`: what the backend does to a chunk.
    static var summary: String { get }
    /// The figures its runs report, in column order.
    static var metrics: [Metric] { get }
    /// The command-line options it takes, and which of their values.
    static var accepts: [(option: BackendOption, values: BackendOption.Values)] { get }
    /// The key its options are kept under in `sweep.json`; nil when it has none to keep.
    static var specificationKey: String? { get }

    /// The options as given on the command line (what it does not take was refused before).
    init(arguments: BackendArguments) throws(BackendOptionError)

    /// The counter its pins are charged to, checked against `RLIMIT_MEMLOCK` before a run.
    var charges: ChargedCounter { get }
    var capabilities: BackendCapabilities { get }
    /// The operation of the plain C loop of the same system calls (`--baseline`), nil when it
    /// has no C twin.
    var cTwin: cpinbaseline_op? { get }
    /// What its region is: memory, or address space only (a simulated range).
    var regionBacking: Region.Backing { get }
    /// A short name for rows and titles: "vfio shim".
    var label: String { get }
    /// The options as one line for each record (under the backend's name), nil for none.
    var recorded: String? { get }
    /// The PCI devices it maps DMA for, as its options name them (`--bind device` and
    /// `--node device` follow their nodes); empty for a backend without one.
    var dmaDevices: [DMADevice.Reference] { get }

    /// Why a run shaped so cannot be measured with these options (one actionable line), or nil.
    func refusal(prefault: Bool, strategies: [Strategy]) -> String?

    /// Why these options cannot pin `memory` at all (one actionable line naming the kinds that
    /// work), or nil: asked before the backend opens any device, so a sweep skips such cells.
    func refusal(memory: MemoryKind) -> String?

    /// Builds the backend; one that opens a device does it here, so a machine without one
    /// fails before any memory is used.
    func makeBackend() throws(SystemError) -> any PinBackend
}

extension BackendOptions {
    public static var metrics: [Metric] { [] }
    public static var accepts: [(option: BackendOption, values: BackendOption.Values)] { [] }
    public static var specificationKey: String? { nil }
    public var cTwin: cpinbaseline_op? { nil }
    public var regionBacking: Region.Backing { .memory }
    public var label: String { Self.backend.rawValue }
    public var recorded: String? { nil }
    public var dmaDevices: [DMADevice.Reference] { [] }
    /// By default only a backend that cannot be prefaulted refuses anything: `--prefault`.
    public func refusal(prefault: Bool, strategies: [Strategy]) -> String? {
        prefault && !capabilities.contains(.prefault) ? "--prefault does not apply to \(Self.backend)" : nil
    }

    /// By default every memory kind can be pinned.
    public func refusal(memory: MemoryKind) -> String? { nil }

    /// The options with nothing given: each backend's defaults.
    public static func defaults() throws(BackendOptionError) -> Self { try Self(arguments: BackendArguments()) }

    /// Whether this backend takes `option` with `value`.
    public static func takes(_ option: BackendOption, _ value: String) -> Bool {
        accepts.first { $0.option == option }?.values.admits(value) ?? false
    }

    /// The value of `option` in `arguments` when this backend takes it (a shared option's
    /// value meant for another backend reads as not given).
    public static func value(of option: BackendOption, in arguments: BackendArguments) -> String? {
        arguments[option].flatMap { takes(option, $0) ? $0 : nil }
    }

    /// The backend and its recorded options, as titles name it: `vfio (shim, locked-vm shared,
    /// container-lock type1)`, `mlock`.
    public var titled: String { recorded.map { "\(Self.backend) (\($0))" } ?? Self.backend.rawValue }

    /// The backend these options are for.
    public var backend: BackendID { Self.backend }

    /// Equality across backends: options of two backends are never equal.
    public func isEqual(to other: any BackendOptions) -> Bool { (other as? Self) == self }
}
