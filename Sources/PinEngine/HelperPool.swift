import PinSystem

/// A persistent pool of helper threads for the `kernel` strategy, like the kworkers padata
/// queues its helpers on: created before timing, each woken through its own event so a job
/// wakes exactly the helpers it uses, and the caller takes part as worker 0.
///
/// Helpers hold only the pool's shared `State`, never the pool itself, so dropping the last
/// reference to the pool runs `deinit`, which stops and joins them.
public final class HelperPool: @unchecked Sendable {
    public let helperCount: Int
    /// Seconds it took to create the helpers and see them all waiting.
    public private(set) var startSeconds: Double = 0

    private let state: State
    private var threads: [BoundThread] = []

    /// What the caller and the helpers share.
    private final class State: @unchecked Sendable {
        let wakeups: [ThreadEvent]
        let done = CountdownLatch()
        // Written by the caller before waking helpers; the event's lock orders the hand-over.
        var work: (@Sendable (Int) -> Void)?
        var stopping = false

        init(helpers: Int) { wakeups = (0..<helpers).map { _ in ThreadEvent() } }

        func helperLoop(worker: Int) {
            let wakeup = wakeups[worker - 1]
            while true {
                wakeup.wait()
                if stopping { return }
                work?(worker)
                done.countDown()
            }
        }
    }

    /// Starts `helpers` threads, helper `i` bound to `cpus(i)` when that is non-nil.
    public init(helpers: Int, cpus: (Int) -> [Int]? = { _ in nil }) throws(SystemError) {
        self.helperCount = helpers
        let state = State(helpers: helpers)
        self.state = state
        let ready = CountdownLatch()
        ready.arm(helpers)
        let start = MonotonicClock.now()
        for index in 0..<helpers {
            do {
                threads.append(try BoundThread.spawn(cpus: cpus(index)) {
                    ready.countDown()
                    state.helperLoop(worker: index + 1)
                })
            } catch {
                shutdown()  // stop and join the helpers already started before giving up
                throw error
            }
        }
        ready.wait()
        self.startSeconds = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
    }

    /// Runs `body(worker)` on the caller (worker 0) and on `participants - 1` helpers, and
    /// returns when all are done. `participants` is padata's `nworks`.
    public func run(participants: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let helpersNeeded = min(max(participants - 1, 0), helperCount)
        state.work = body
        state.done.arm(helpersNeeded)
        for index in 0..<helpersNeeded { state.wakeups[index].signal() }
        body(0)
        if helpersNeeded > 0 { state.done.wait() }
        state.work = nil
    }

    /// Stops and joins the helpers (idempotent; also on deinit).
    public func shutdown() {
        guard !state.stopping else { return }
        state.stopping = true
        for wakeup in state.wakeups { wakeup.signal() }
        for thread in threads { thread.join() }
        threads.removeAll()
    }

    deinit { shutdown() }
}
