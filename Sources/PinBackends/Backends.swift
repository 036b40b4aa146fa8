import PinContract

/// Every backend PinBench has, in the order its tables list them. Adding a backend is one
/// folder under PinBackends and one line here (or, outside this package,
/// `BackendRegistry.register(TheirOptions.self)`).
public enum Backends {
    public static let standard: [any BackendOptions.Type] = [
        PopulateOptions.self,
        MlockOptions.self,
        TouchOptions.self,
        VFIOOptions.self,
        FolioSimOptions.self,
        KmodOptions.self,
    ]

    /// The standard backends, then those registered.
    public static var catalog: BackendCatalog { BackendCatalog(standard + BackendRegistry.extra) }
}
