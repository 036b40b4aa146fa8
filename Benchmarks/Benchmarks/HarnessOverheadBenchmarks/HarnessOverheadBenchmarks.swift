import Benchmark
import BenchmarkSupport
import CPlainJob
import PinBackends
import PinCore
import PinEngine
import PinSystem
import Synchronization

// MARK: - PinBench against a plain C job

/// The harness must cost nothing measurable. Each iteration runs the same populate job twice
/// on one region: once through PinBench's engine (`Job`, `user` strategy, `PopulateBackend`)
/// and once as `CPlainJob` (pthreads, a POSIX barrier, one `madvise` per slice), with the
/// slices of the same `CutPlan`. The order alternates, so drift and first-touch effects fall on
/// both sides alike. Both are verified (every page resident, then none mapped). The metric is
/// PinBench's pin time over C's in thousandths, one pair per sample; its median is the figure.
///
/// One thread per CPU the process may use, at least two, so the job is threaded as a sweep's is.
let benchmarks: @Sendable () -> Void = {
    let threads = max(CPUSet.allowed().count, 2)
    let size = ByteSize.mib(128)
    let pairs = PairCounter()
    Benchmark(
        "user-populate-128MiB-pinbench-vs-c",
        configuration: .init(
            metrics: [.harnessRatio, .pinBenchPinTime, .plainCPinTime],
            units: [.harnessRatio: .count],
            warmupIterations: 4,
            maxDuration: .seconds(60),
            maxIterations: 200),
        closure: { benchmark in
            let plan = try CutPlanner.plan(strategy: .user, size: size, memory: .anon, threads: threads)
            let region = try Region.map(kind: .anon, size: size)
            let cFirst = pairs.next() % 2 == 0
            var plainC = 0.0
            if cFirst { plainC = try runPlainC(plan: plan, region: region) }
            let pinBench = try runPinBench(plan: plan, region: region)
            if !cFirst { plainC = try runPlainC(plan: plan, region: region) }
            guard plainC > 0, pinBench > 0 else { throw BenchmarkFailure("a pin phase took no time: C \(plainC) s, PinBench \(pinBench) s") }
            benchmark.measurement(.harnessRatio, Int((1000 * pinBench / plainC).rounded()))
            benchmark.measurement(.pinBenchPinTime, Int((pinBench * 1e9).rounded()))
            benchmark.measurement(.plainCPinTime, Int((plainC * 1e9).rounded()))
        })
}

/// The `user` job through PinBench's engine; returns its verified pin time.
func runPinBench(plan: CutPlan, region: Region) throws -> Double {
    let result = Job(plan: plan, backend: PopulateBackend(advice: .write)).run(on: region)
    guard result.verified else {
        throw BenchmarkFailure("PinBench job: \(result.error ?? "") pinned \(result.pinnedCheck), unpinned \(result.unpinnedCheck)")
    }
    return result.pinSeconds
}

/// The same job as plain C on the plan's slices; verified with the populate backend's checks
/// and released with `MADV_DONTNEED` outside the timing. Returns the pin time.
func runPlainC(plan: CutPlan, region: Region) throws -> Double {
    let backend = PopulateBackend(advice: .write)
    let baseline = try ProcStatus.current()
    let offsets = plan.chunks.map { $0.offset }
    let lengths = plan.chunks.map { $0.length }
    var result = cplainjob_result()
    let error = cplainjob_populate(region.base, offsets, lengths, Int32(plan.chunks.count), &result)
    guard error == 0 else { throw BenchmarkFailure("plain C job: \(SystemError("madvise(MADV_POPULATE_WRITE)", errno: error))") }
    let pinned = backend.verifyPinned(region, baseline: baseline)
    guard pinned.passed else { throw BenchmarkFailure("plain C job: \(pinned)") }
    try backend.unpin(region, Chunk(offset: 0, length: region.size.bytes))
    let unpinned = backend.verifyUnpinned(region, baseline: baseline)
    guard unpinned.passed else { throw BenchmarkFailure("plain C job: \(unpinned)") }
    return result.pin_seconds
}

/// Counts pairs so that consecutive ones swap which side runs first.
final class PairCounter: Sendable {
    private let count = Atomic<Int>(0)

    func next() -> Int { count.wrappingAdd(1, ordering: .relaxed).oldValue }
}
