/// An auto-reset event: one thread sleeps in `wait()` until another calls `signal()`.
/// Each pool helper owns one, so a job wakes exactly the helpers it needs.
public final class ThreadEvent: @unchecked Sendable {
    private let lock = ConditionLock()
    private var signalled = false

    public init() {}

    public func signal() {
        lock.withLock {
            signalled = true
            lock.signal()
        }
    }

    public func wait() {
        lock.withLock {
            lock.wait { signalled }
            signalled = false
        }
    }
}
