/// What a backend, with the options it was given, can do; the harness reads these instead of
/// asking which backend it has. Whether its `kernel` strategy works in the kernel is its
/// conformance to `InKernelSplitBackend`, which the engine dispatches on: no flag repeats it.
public struct BackendCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Its region may be populated untimed before the pin phase (`--prefault`).
    public static let prefault = BackendCapabilities(rawValue: 1 << 0)
    /// One whole-region call whose chunks the engine's helpers work (`SplitPinBackend`).
    public static let splitsCalls = BackendCapabilities(rawValue: 1 << 1)
    /// It leaves pages pinned or locked, not only populated (`hold`'s row says which).
    public static let pins = BackendCapabilities(rawValue: 1 << 3)
    /// It works on real memory the kernel manages (a simulation does not: `hold` refuses it).
    public static let realMemory = BackendCapabilities(rawValue: 1 << 4)
}
