import PinBackends
import PinContract
import PinCore

extension BackendID {
    /// A backend that lives in the tests, to show what adding one takes: this folder, and
    /// `BackendRegistry.register(ProbeOptions.self)`.
    public static let probe = BackendID(rawValue: "probe")
}

/// The figures a `probe` run reports, declared once here; tables and JSON read these.
public enum ProbeMetric {
    public static let minorFaults = Metric("probeMinorFaults", heading: "minor faults")
    public static let touched = Metric("probeTouchedBytes", unit: .bytes, heading: "bytes touched")
}

/// The `probe` test backend: writes one byte per base page and counts the minor faults its
/// threads took doing so (`getrusage(RUSAGE_THREAD)`); released with `MADV_DONTNEED`. It takes
/// no options, charges nothing, and has no C twin.
public struct ProbeOptions: BackendOptions {
    public static let backend = BackendID.probe
    public static let summary = "one written byte per base page, counting the minor faults taken (a test backend)"
    public static var metrics: [Metric] { [ProbeMetric.minorFaults, ProbeMetric.touched] }

    /// While a file is at this path, every `prepare` fails as a machine failing a step would
    /// (not a command-line option: the tests of failures that are not results set it).
    public var failsPrepareWhileExists: String?

    public init(failsPrepareWhileExists: String? = nil) { self.failsPrepareWhileExists = failsPrepareWhileExists }

    public init(arguments: BackendArguments) {}

    public var charges: ChargedCounter { .none }
    public var capabilities: BackendCapabilities { [.prefault, .realMemory] }
    public var description: String { "probe" }

    public func makeBackend() -> any PinBackend { ProbeBackend(failsPrepareWhileExists: failsPrepareWhileExists) }
}
