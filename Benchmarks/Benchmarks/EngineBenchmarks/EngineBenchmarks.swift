#if canImport(Glibc)
import Glibc
#endif
import Benchmark
import BenchmarkSupport
import PinCore
import PinEngine
import PinSystem
import Synchronization

// MARK: - The engine's own cost

/// What the engine adds to a job, with nothing else in it: handing out chunks (a no-op backend
/// over address space), starting a job's threads (the pool's wake-up against `user`'s fresh
/// threads), and how long a sleeping helper takes to start. `Thresholds/ceilings.md` holds the
/// p90 of `dispatch per chunk` and of the 2-worker pool job's wall clock.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 5_000)

    dispatchBenchmarks()
    poolBenchmarks()
}

// MARK: - Per-chunk dispatch

/// 256 MiB cut into 65,536 chunks of 4 KiB, taken from the kernel strategy's shared cursor by
/// the caller alone and by the caller with one pooled helper. The metric is the pin phase's
/// time over the chunk count; every job is checked to have handed out each chunk exactly once.
func dispatchBenchmarks() {
    let size = ByteSize.mib(256)
    let chunk = ByteSize.kib(4)
    for workers in [1, 2] {
        let pool = PoolHolder()
        let fixture = DispatchFixture()
        Benchmark(
            "dispatch-65536-chunks-\(workers)-worker\(workers == 1 ? "" : "s")",
            configuration: .init(metrics: [.wallClock, .dispatchPerChunk], units: [.dispatchPerChunk: .count], maxIterations: 200),
            closure: { benchmark in
                let (plan, region) = try fixture.started()
                let job = Job(plan: plan, backend: NoOpBackend(), pool: pool.pool)
                benchmark.startMeasurement()
                let result = job.run(on: region)
                benchmark.stopMeasurement()
                try result.checkCoversPlan()
                benchmark.measurement(.dispatchPerChunk, Int((result.pinSeconds * 1e9 / Double(plan.chunks.count)).rounded()))
            },
            setup: {
                try pool.start(helpers: workers - 1)
                try fixture.start(plan: CutPlan.kernel(size: size, workers: workers, chunk: chunk))
            },
            teardown: {
                pool.stop()
                fixture.stop()
            })
    }
}

// MARK: - Pool against fresh threads

/// The per-job cost of starting `workers` workers that do nothing: the kernel strategy wakes
/// `workers - 1` pooled helpers and takes part itself; the user strategy creates `workers`
/// threads and joins them. The wake-up latency is from the caller signalling helper 1 to the
/// helper running the job's closure.
func poolBenchmarks() {
    for workers in [2, 4] {
        let pool = PoolHolder()
        Benchmark(
            "pool-job-\(workers)-workers",
            configuration: .init(metrics: [.wallClock, .mallocCountTotal], units: [.wallClock: .count]),
            closure: { benchmark in
                let helpers = try pool.started()
                idle()
                benchmark.startMeasurement()
                helpers.run(participants: workers) { _ in }
                benchmark.stopMeasurement()
            },
            setup: { try pool.start(helpers: workers - 1) },
            teardown: { pool.stop() })

        Benchmark("spawn-job-\(workers)-threads") { benchmark in
            idle()
            benchmark.startMeasurement()
            var threads: [BoundThread] = []
            for _ in 0..<workers { threads.append(try BoundThread.spawn {}) }
            for thread in threads { thread.join() }
        }
    }

    let pool = PoolHolder()
    let woke = WakeUpClock()
    Benchmark(
        "pool-wake-up-latency",
        configuration: .init(metrics: [.wakeUpLatency], units: [.wakeUpLatency: .count]),
        closure: { benchmark in
            let helpers = try pool.started()
            idle()
            let signalled = MonotonicClock.now()
            helpers.run(participants: 2) { worker in
                if worker == 1 { woke.time.store(MonotonicClock.now(), ordering: .relaxed) }
            }
            benchmark.measurement(.wakeUpLatency, Int(woke.time.load(ordering: .relaxed) &- signalled))
        },
        setup: { try pool.start(helpers: 1) },
        teardown: { pool.stop() })
}

/// Leaves the helpers parked for a while before a job, as they are between a sweep's phases
/// (verification, the next region's mapping): back-to-back jobs would time a different thing,
/// a ping-pong between two vCPUs, which on a VM is slower than a wake-up and varies run to run.
func idle() {
    usleep(200)
}

// MARK: - Holders

/// A benchmark's helper pool, made in its setup and shut down in its teardown, so no pool's
/// idle threads exist while another benchmark runs.
final class PoolHolder: @unchecked Sendable {
    private(set) var pool: HelperPool?

    func start(helpers: Int) throws {
        pool = helpers > 0 ? try HelperPool(helpers: helpers) : nil
    }

    /// The pool, or why there is none (its setup failed).
    func started() throws(BenchmarkFailure) -> HelperPool {
        guard let pool else { throw BenchmarkFailure("the helper pool did not start (see the setup error above)") }
        return pool
    }

    func stop() {
        pool?.shutdown()
        pool = nil
    }
}

/// The dispatch benchmarks' plan and address space, the same for every iteration (a job leaves
/// neither changed), made once in setup rather than per iteration.
final class DispatchFixture: @unchecked Sendable {
    private var plan: CutPlan?
    private var region: Region?

    func start(plan: CutPlan) throws {
        region = try Region.reserve(kind: plan.memory, size: plan.size, alignment: .base)
        self.plan = plan
    }

    /// The plan and region, or why there are none (the setup failed).
    func started() throws(BenchmarkFailure) -> (CutPlan, Region) {
        guard let plan, let region else { throw BenchmarkFailure("the dispatch plan and region were not made (see the setup error above)") }
        return (plan, region)
    }

    func stop() {
        plan = nil
        region = nil
    }
}

/// When the woken helper started, written by the helper and read by the caller after `run`.
final class WakeUpClock: Sendable {
    let time = Atomic<UInt64>(0)
}
