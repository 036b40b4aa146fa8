import Synchronization

/// Backends registered from outside the package (a test's backend, a lab experiment's), after
/// the standard ones. Registering is the one line such a backend needs.
public enum BackendRegistry {
    private static let registered = Mutex<[any BackendOptions.Type]>([])

    /// Adds a backend; registering one name twice keeps the first.
    public static func register(_ options: any BackendOptions.Type) {
        registered.withLock { list in
            guard !list.contains(where: { $0.backend == options.backend }) else { return }
            list.append(options)
        }
    }

    /// What was registered, in order.
    public static var extra: [any BackendOptions.Type] { registered.withLock { $0 } }
}
