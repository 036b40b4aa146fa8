import CPinBaseline
import PinContract

extension BackendID {
    public static let touch = BackendID(rawValue: "touch")
}

/// The `touch` backend: one written byte per page (QEMU's fallback). It has no options.
public struct TouchOptions: BackendOptions {
    public static let backend = BackendID.touch
    public static let summary = "one written byte per page (QEMU's fallback), released with MADV_DONTNEED"

    public init() {}

    public init(arguments: BackendArguments) {}

    public var charges: ChargedCounter { .none }
    public var capabilities: BackendCapabilities { [.prefault, .realMemory] }
    public var cTwin: cpinbaseline_op? { CPINBASELINE_TOUCH }
    public var description: String { "touch" }

    public func makeBackend() -> any PinBackend { TouchBackend() }
}
