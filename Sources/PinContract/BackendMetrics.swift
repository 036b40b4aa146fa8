/// What a backend reports about one run beside the engine's timings (map calls, lock time,
/// physical runs, the kernel's own times), carried into the run record. Values are set and
/// read through the backend's `Metric` and `BackendFact` declarations; the JSON keeps the
/// names as keys, as records always had them.
public struct BackendMetrics: Sendable, Equatable, Codable {
    /// Counts, durations (seconds) and sizes (bytes), by metric name.
    public private(set) var values: [String: Double]
    /// Facts ("mapper": "shim"), by fact name.
    public private(set) var notes: [String: String]
    /// The kernel's own times of every call and worker (an in-kernel backend); nil elsewhere.
    public var inKernel: InKernelTimes?

    public init(inKernel: InKernelTimes? = nil) {
        self.values = [:]
        self.notes = [:]
        self.inKernel = inKernel
    }

    public subscript(metric: Metric) -> Double? {
        get { values[metric.name] }
        set { values[metric.name] = newValue }
    }

    public subscript(fact: BackendFact) -> String? {
        get { notes[fact.name] }
        set { notes[fact.name] = newValue }
    }
}
