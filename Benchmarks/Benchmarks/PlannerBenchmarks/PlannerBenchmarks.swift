import Benchmark
import PinCore

// MARK: - Planning 1 TiB

/// Planning must be O(chunks), never O(bytes) or O(pages): a TiB takes as long as a GiB.
/// Each iteration plans once; the ceiling is on the wall clock's p90 (`Thresholds/ceilings.md`).
/// THP memory gives every alignment a different size (4 KiB page and base, 2 MiB PMD and folio,
/// 1 GiB PUD), and 128 threads is what a large host sweeps up to.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        // Raw nanoseconds in tables and exports, whatever the magnitude: scripts/bench-check.sh
        // reads the exported percentiles against ceilings in nanoseconds.
        units: [.wallClock: .count],
        warmupIterations: 100,
        maxDuration: .seconds(1),
        maxIterations: 20_000)

    let size = ByteSize.tib(1)
    let memory = MemoryKind.thp
    let threads = 128

    Benchmark("plan-1TiB-single") { _ in
        blackHole(try CutPlanner.plan(strategy: .single, size: size, memory: memory, threads: threads))
    }
    for align in CutAlign.allCases {
        Benchmark("plan-1TiB-user-cut-align-\(align)") { _ in
            blackHole(try CutPlanner.plan(strategy: .user, size: size, memory: memory, threads: threads, cutAlign: align))
        }
    }
    for align in CutAlign.allCases {
        Benchmark("plan-1TiB-kernel-align-\(align)") { _ in
            blackHole(try CutPlanner.plan(
                strategy: .kernel, size: size, memory: memory, threads: threads,
                kernel: KernelPlanParameters(align: align)))
        }
    }
}
