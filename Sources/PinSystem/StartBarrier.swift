/// Holds a job's worker threads until the caller releases them all at once, and tells the
/// caller when every worker has arrived. Reusable: each `release()` opens one generation.
///
/// Workers call `arriveAndWait()` (ready, wait for go) or `arrive()` (done, no wait); the caller
/// calls `waitForArrivals()` and then `release()`. Used for thread start-up (time until all
/// arrived), the timed start, and the end of each phase.
public final class StartBarrier: @unchecked Sendable {
    private let lock = ConditionLock()
    private let parties: Int
    private var arrived = 0
    private var generation = 0
    private var isOpen = false

    public init(parties: Int) {
        precondition(parties >= 1)
        self.parties = parties
    }

    /// Counts this worker in and blocks until the caller's next `release()`.
    public func arriveAndWait() {
        lock.withLock {
            let mine = generation
            arrived += 1
            lock.broadcast()
            lock.wait { generation != mine || isOpen }
        }
    }

    /// Counts this worker in without waiting (the end of its last phase).
    public func arrive() {
        lock.withLock {
            arrived += 1
            lock.broadcast()
        }
    }

    /// Blocks the caller until all parties have arrived since the last release.
    public func waitForArrivals() {
        lock.withLock { lock.wait { arrived >= parties } }
    }

    /// Opens the barrier for good: no worker waits any more (abandoning a job).
    public func open() {
        lock.withLock {
            isOpen = true
            lock.broadcast()
        }
    }

    /// Lets every waiting worker go and starts counting arrivals afresh.
    public func release() {
        lock.withLock {
            arrived = 0
            generation += 1
            lock.broadcast()
        }
    }
}
