import Synchronization

/// Lets one thread wait until a number of others have counted down; re-armed per use. The
/// count is an atomic and the last count-down signals a `ThreadEvent`, so counting down takes
/// no lock and only the last one can wake the waiter.
public final class CountdownLatch: Sendable {
    private let remaining = Atomic<Int>(0)
    // Written by `arm` and read by `wait`, both on the waiting thread.
    private let armed = Atomic<Int>(0)
    private let reachedZero = ThreadEvent()

    public init() {}

    /// Arms the latch for `count` count-downs. Call before handing out work, on the thread
    /// that will `wait`.
    public func arm(_ count: Int) {
        armed.store(count, ordering: .relaxed)
        remaining.store(count, ordering: .releasing)
    }

    public func countDown() {
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { reachedZero.signal() }
    }

    /// Blocks until the count reaches zero (at once when armed with zero).
    public func wait() {
        // The last count-down signals exactly once per arming; waiting consumes that signal
        // whether it came before or after, so nothing is left pending for the next use.
        guard armed.load(ordering: .relaxed) > 0 else { return }
        reachedZero.wait()
    }
}
