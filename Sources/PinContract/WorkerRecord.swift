/// What one of the kernel's own workers did in one whole-region call of an
/// `InKernelSplitBackend`, as the engine keeps it: the backend translates its uAPI's record
/// into this, so the engine depends on the contract and on no backend.
public struct WorkerRecord: Sendable, Equatable {
    /// Where the worker started (`raw_smp_processor_id` in the kernel).
    public var cpu: Int
    public var chunks: Int
    /// Base pages it handled.
    public var pages: Int
    /// Seconds it spent working, by the kernel's clock.
    public var busySeconds: Double

    public init(cpu: Int, chunks: Int, pages: Int, busySeconds: Double) {
        self.cpu = cpu
        self.chunks = chunks
        self.pages = pages
        self.busySeconds = busySeconds
    }
}
