import PinSystem

/// A persistent pool of helper threads for the `kernel` strategy, like the kworkers padata
/// queues its helpers on: created before timing, each woken through its own event so a job
/// wakes exactly the helpers it uses, and the caller takes part as worker 0.
public final class HelperPool: @unchecked Sendable {
    public let helperCount: Int
    /// Seconds it took to create the helpers and see them all waiting.
    public private(set) var startSeconds: Double = 0

    private var threads: [BoundThread] = []
    private let wakeups: [ThreadEvent]
    private let done = CountdownLatch()
    // Written by the caller before waking helpers; the event's lock orders the hand-over.
    private var work: (@Sendable (Int) -> Void)?
    private var stopping = false

    /// Starts `helpers` threads, helper `i` bound to `cpus(i)` when that is non-nil.
    public init(helpers: Int, cpus: (Int) -> [Int]? = { _ in nil }) throws(SystemError) {
        self.helperCount = helpers
        self.wakeups = (0..<helpers).map { _ in ThreadEvent() }
        let ready = CountdownLatch()
        ready.arm(helpers)
        let start = MonotonicClock.now()
        for index in 0..<helpers {
            let wakeup = wakeups[index]
            do {
                threads.append(try BoundThread.spawn(cpus: cpus(index)) { [unowned self] in
                    ready.countDown()
                    self.helperLoop(worker: index + 1, wakeup: wakeup)
                })
            } catch {
                shutdown()  // stop and join the helpers already started before giving up
                throw error
            }
        }
        ready.wait()
        self.startSeconds = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
    }

    private func helperLoop(worker: Int, wakeup: ThreadEvent) {
        while true {
            wakeup.wait()
            if stopping { return }
            work?(worker)
            done.countDown()
        }
    }

    /// Runs `body(worker)` on the caller (worker 0) and on `participants - 1` helpers, and
    /// returns when all are done. `participants` is padata's `nworks`.
    public func run(participants: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let helpersNeeded = min(max(participants - 1, 0), helperCount)
        work = body
        done.arm(helpersNeeded)
        for index in 0..<helpersNeeded { wakeups[index].signal() }
        body(0)
        if helpersNeeded > 0 { done.wait() }
        work = nil
    }

    /// Stops and joins the helpers (idempotent; also on deinit).
    public func shutdown() {
        guard !stopping else { return }
        stopping = true
        for wakeup in wakeups { wakeup.signal() }
        for thread in threads { thread.join() }
        threads.removeAll()
    }

    deinit { shutdown() }
}
