import PinCore

/// The backends a command can use, in the order tables list them: what turns a name into a
/// backend's options type, a metric name into its declaration, and checks that every backend
/// option given belongs to a backend that will run.
public struct BackendCatalog: Sendable {
    public let all: [any BackendOptions.Type]

    public init(_ all: [any BackendOptions.Type]) {
        self.all = all
    }

    public var names: [BackendID] { all.map { $0.backend } }

    public func named(_ id: BackendID) -> (any BackendOptions.Type)? { all.first { $0.backend == id } }

    /// The backend called `text` (any case), or an error listing every name.
    public func parse(_ text: String) throws(BackendOptionError) -> any BackendOptions.Type {
        try require(BackendID(rawValue: text.lowercased()), as: text)
    }

    /// The backend `id` names exactly, or an error listing every name (`as`: the name as the
    /// user or the file wrote it).
    public func require(_ id: BackendID, as written: String? = nil) throws(BackendOptionError) -> any BackendOptions.Type {
        guard let type = named(id) else {
            throw BackendOptionError("unknown backend '\(written ?? id.rawValue)': choose one of \(names.map(\.rawValue).joined(separator: ", "))")
        }
        return type
    }

    /// The backends whose default options have `capability`, in catalog order.
    public func names(with capability: BackendCapabilities) -> [BackendID] {
        all.filter { type in (try? type.defaults())?.capabilities.contains(capability) == true }.map { $0.backend }
    }

    /// Table order of two backends: catalog order, and backends it does not know (records of a
    /// backend not registered here) after it, by name.
    public func precedes(_ lhs: BackendID, _ rhs: BackendID) -> Bool {
        let left = all.firstIndex { $0.backend == lhs } ?? all.count
        let right = all.firstIndex { $0.backend == rhs } ?? all.count
        return left != right ? left < right : lhs.rawValue < rhs.rawValue
    }

    /// Every declared metric in column order: backends in catalog order, each in its own order;
    /// a name two backends declare comes once.
    public var metrics: [Metric] {
        var seen: Set<String> = []
        return all.flatMap { $0.metrics }.filter { seen.insert($0.name).inserted }
    }

    /// The declaration of a metric a record carries by name.
    public func metric(named name: String) -> Metric {
        metrics.first { $0.name == name } ?? .undeclared(name)
    }

    /// Every value some backend takes for `option`, nil when one takes any.
    public func values(of option: BackendOption) -> [String]? {
        var values: [String] = []
        for type in all {
            switch Self.accepted(option, by: type) {
            case nil: continue
            case .any?: return nil
            case .only(let some)?: values += some.filter { !values.contains($0) }
            }
        }
        return values
    }

    /// Refuses a backend option that no selected backend takes, naming who takes it and how to
    /// ask for it: `needs(backend)` says that ("--backend kmod", "kmod in --backends").
    public func check(_ arguments: BackendArguments, selected: [BackendID],
                      needs: (BackendID) -> String) throws(BackendOptionError) {
        let selectedTypes = selected.compactMap(named)
        for given in arguments.given where !selectedTypes.contains(where: { Self.takes($0, given.option, given.value) }) {
            throw BackendOptionError(refusal(given.option, given.value, needs: needs))
        }
    }

    /// Why `option` with `value` cannot be used by the selected backends.
    func refusal(_ option: BackendOption, _ value: String, needs: (BackendID) -> String) -> String {
        let owners = all.filter { Self.accepted(option, by: $0) != nil }
        guard !owners.isEmpty else { return "\(option) is an option of no backend" }
        let restricted = owners.filter { Self.accepted(option, by: $0) != .any }
        if !restricted.isEmpty {
            let valueOwners = owners.filter { Self.takes($0, option, value) }
            guard let first = valueOwners.first else { return option.unknown(value, choices: values(of: option) ?? []).description }
            var message = "\(option) \(value) is \(valueOwners.map { $0.backend.rawValue }.joined(separator: " and "))'s "
                + "and needs \(needs(first.backend))"
            for other in restricted where !Self.takes(other, option, value) {
                if case .only(let taken)? = Self.accepted(option, by: other) {
                    message += "; \(other.backend) takes \(Self.either(taken))"
                }
            }
            return message
        }
        if owners.count == 1 {
            // All of the one owner's options that are its alone, so one message covers the group.
            let own = owners[0].accepts.map { $0.option }.filter { candidate in
                all.filter { Self.accepted(candidate, by: $0) != nil }.count == 1
            }
            let names = own.map(\.name)
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
            return "\(list) \(names.count == 1 ? "needs" : "need") \(needs(owners[0].backend))"
        }
        return "\(option) needs \(owners.map { needs($0.backend) }.joined(separator: " or "))"
    }

    /// Whether `type` takes `option` with `value` (here rather than through the existential, which
    /// Swift 6.3's SIL generation crashes on).
    static func takes(_ type: any BackendOptions.Type, _ option: BackendOption, _ value: String) -> Bool {
        accepted(option, by: type)?.admits(value) ?? false
    }

    /// What `type` takes of `option`, nil when it does not take it.
    static func accepted(_ option: BackendOption, by type: any BackendOptions.Type) -> BackendOption.Values? {
        type.accepts.first { $0.option == option }?.values
    }

    /// The options of backend `id` from what was given (every option checked by `check` first).
    public func options(for id: BackendID, arguments: BackendArguments) throws(BackendOptionError) -> any BackendOptions {
        try require(id).init(arguments: arguments)
    }

    /// "a, b or c".
    static func either(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items[items.count - 1]
    }
}
