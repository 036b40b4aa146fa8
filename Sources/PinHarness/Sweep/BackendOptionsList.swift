import PinBackends
import PinContract

/// The options a sweep gives its backends, one value per backend (later ones replace earlier
/// ones of the same backend): equal when they hold equal options for the same backends.
public struct BackendOptionsList: Sendable, Equatable {
    public private(set) var all: [any BackendOptions]

    public init(_ options: [any BackendOptions]) {
        var all: [any BackendOptions] = []
        for option in options {
            all.removeAll { $0.backend == option.backend }
            all.append(option)
        }
        self.all = all
    }

    /// The options given for `backend`, else its defaults; an error naming every backend for
    /// one this pinbench lacks.
    public func options(for backend: BackendID) throws(BackendOptionError) -> any BackendOptions {
        if let given = all.first(where: { $0.backend == backend }) { return given }
        return try Backends.catalog.require(backend).defaults()
    }

    public static func == (lhs: BackendOptionsList, rhs: BackendOptionsList) -> Bool {
        lhs.all.count == rhs.all.count && zip(lhs.all, rhs.all).allSatisfy { $0.isEqual(to: $1) }
    }
}
