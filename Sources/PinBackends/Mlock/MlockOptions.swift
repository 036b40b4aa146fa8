import CPinBaseline
import PinContract

extension BackendID {
    public static let mlock = BackendID(rawValue: "mlock")
}

/// The `mlock` backend: `mlock` / `munlock`, charged to `locked_vm`. It has no options.
public struct MlockOptions: BackendOptions {
    public static let backend = BackendID.mlock
    public static let summary = "mlock / munlock"

    public init() {}

    public init(arguments: BackendArguments) {}

    public var charges: ChargedCounter { .lockedVM }
    public var capabilities: BackendCapabilities { [.prefault, .pins, .realMemory] }
    public var cTwin: cpinbaseline_op? { CPINBASELINE_MLOCK }
    public var description: String { "mlock" }

    public func makeBackend() -> any PinBackend { MlockBackend() }
}
