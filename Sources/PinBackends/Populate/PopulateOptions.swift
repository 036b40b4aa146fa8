import CPinBaseline
import PinContract
import PinCore

extension BackendID {
    public static let populate = BackendID(rawValue: "populate")
}

extension BackendOption {
    /// `populate`: `MADV_POPULATE_READ` instead of `_WRITE`.
    public static let populateRead = BackendOption("--populate-read", takesValue: false)
}

/// The `populate` backend: `madvise(MADV_POPULATE_WRITE)` or `_READ` (`--populate-read`).
public struct PopulateOptions: BackendOptions {
    public static let backend = BackendID.populate
    public static let summary = "madvise(MADV_POPULATE_WRITE), or _READ with --populate-read; released with MADV_DONTNEED"
    public static var accepts: [(option: BackendOption, values: BackendOption.Values)] { [(.populateRead, .any)] }
    public static let specificationKey: String? = "populateRead"

    public var advice: PopulateBackend.Advice

    public init(advice: PopulateBackend.Advice = .write) {
        self.advice = advice
    }

    public init(arguments: BackendArguments) {
        advice = Self.value(of: .populateRead, in: arguments) != nil ? .read : .write
    }

    public var charges: ChargedCounter { .none }
    public var capabilities: BackendCapabilities { [.prefault, .realMemory] }
    public var cTwin: cpinbaseline_op? { advice == .read ? CPINBASELINE_POPULATE_READ : CPINBASELINE_POPULATE_WRITE }
    public var description: String { advice == .read ? "populate (MADV_POPULATE_READ)" : "populate" }

    public func makeBackend() -> any PinBackend { PopulateBackend(advice: advice) }

    // sweep.json has always kept these options as one flag, `populateRead`.
    public init(from decoder: any Decoder) throws {
        advice = try decoder.singleValueContainer().decode(Bool.self) ? .read : .write
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(advice == .read)
    }
}
