import CPinSys

/// An auto-reset event: one thread sleeps in `wait()` until another calls `signal()`.
/// Each pool helper owns one, so a job wakes exactly the helpers it needs. A futex word
/// (`cpinsys_event_signal`/`_wait`), not a mutex and condition variable: a signal costs one
/// atomic exchange, plus a `FUTEX_WAKE` only when the waiter is asleep.
public final class ThreadEvent: @unchecked Sendable {
    // The kernel keys a futex on the word's address, so it lives at a fixed heap address.
    private let word = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)

    public init() {
        word.initialize(to: CPINSYS_EVENT_CLEAR)
    }

    deinit {
        word.deallocate()
    }

    /// Makes a signal pending (kept until the next `wait`) and wakes the waiter if it sleeps.
    public func signal() { cpinsys_event_signal(word) }

    /// Blocks until a signal is pending and consumes it. At most one thread waits on an event.
    public func wait() { cpinsys_event_wait(word) }
}
