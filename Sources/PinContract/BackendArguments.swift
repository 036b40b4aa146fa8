import PinCore

/// The backend options given on a command line, for the backends to read: each value as typed.
public struct BackendArguments: Sendable {
    /// In the order given.
    public private(set) var given: [(option: BackendOption, value: String)] = []
    /// `--bind`, which the kernel module also reads (its helpers' node placement).
    public var bind: BindPolicy

    public init(bind: BindPolicy = .none) {
        self.bind = bind
    }

    /// Records `option` (a flag's value is empty); a later value of the same option replaces it.
    public mutating func set(_ option: BackendOption, _ value: String = "") {
        given.removeAll { $0.option == option }
        given.append((option, value))
    }

    public subscript(option: BackendOption) -> String? { given.first { $0.option == option }?.value }
}
