#if canImport(Glibc)
import Glibc
#endif
import CPinSys

/// A joinable pthread, optionally bound to a CPU set from its first instruction
/// (`pthread_attr_setaffinity_np` through `cpinsys_thread_create`).
public final class BoundThread: @unchecked Sendable {
    private let handle: pthread_t
    private var joined = false
    /// The CPUs the thread was bound to, or nil when it may run anywhere.
    public let cpus: [Int]?

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private init(handle: pthread_t, cpus: [Int]?) {
        self.handle = handle
        self.cpus = cpus
    }

    /// Starts `body` on a new thread.
    public static func spawn(cpus: [Int]? = nil, _ body: @escaping @Sendable () -> Void) throws(SystemError) -> BoundThread {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let values = (cpus ?? []).map(Int32.init)
        let rc = cpinsys_thread_create(&handle, values, Int32(values.count), { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            let hint = rc == EAGAIN ? "the thread limit (ulimit -u, kernel.threads-max) was reached" : nil
            throw SystemError("pthread_create", errno: rc, hint: hint)
        }
        return BoundThread(handle: handle, cpus: cpus)
    }

    /// Waits for the thread to finish (idempotent).
    public func join() {
        guard !joined else { return }
        joined = true
        pthread_join(handle, nil)
    }

    deinit { join() }
}
