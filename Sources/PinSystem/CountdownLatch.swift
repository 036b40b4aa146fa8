/// Lets one thread wait until a number of others have counted down; re-armed per use.
public final class CountdownLatch: @unchecked Sendable {
    private let lock = ConditionLock()
    private var remaining = 0

    public init() {}

    /// Arms the latch for `count` count-downs. Call before handing out work.
    public func arm(_ count: Int) {
        lock.withLock { remaining = count }
    }

    public func countDown() {
        lock.withLock {
            remaining -= 1
            if remaining <= 0 { lock.signal() }
        }
    }

    /// Blocks until the count reaches zero.
    public func wait() {
        lock.withLock { lock.wait { remaining <= 0 } }
    }
}
