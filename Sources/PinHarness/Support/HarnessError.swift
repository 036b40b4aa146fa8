import PinCore
import PinSystem

/// Why an experiment cannot start or had to stop; each says what to do, and maps to an exit code.
public enum HarnessError: Error, Sendable, CustomStringConvertible {
    /// Input that cannot work (sizes, counts, options). Exit code 2.
    case invalidInput(String)
    /// The machine cannot give what was asked (memory, hugepages, limits). Exit code 2.
    case unavailable(String)
    /// Something failed while measuring. Exit code 1.
    case failed(String)

    public var description: String {
        switch self {
        case .invalidInput(let message), .unavailable(let message), .failed(let message): return message
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .invalidInput, .unavailable: return 2
        case .failed: return 1
        }
    }

    init(_ error: RegionError) {
        switch error {
        case .invalidSize(let plan): self = .invalidInput(plan.description)
        case .system(let system): self = .failed(system.description)
        default: self = .unavailable(error.description)
        }
    }
}
