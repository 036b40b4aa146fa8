import Benchmark

/// The suite's own metrics. package-benchmark stores integers, so rates are MiB/s (GiB/s would
/// round 3.08 to 3) and times are nanoseconds. The names are the `metric` column of
/// `Thresholds/ceilings.md`.
extension BenchmarkMetric {
    /// Pin-phase time of a job divided by its chunks: the engine's cost of handing out one chunk.
    public static let dispatchPerChunk = custom("dispatch per chunk (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    /// From the caller signalling a pooled helper to the helper running the job's work.
    public static let wakeUpLatency = custom("wake-up latency (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    /// Bytes over the measured call's time.
    public static let mibPerSecond = custom("throughput (MiB/s)", polarity: .prefersLarger, useScalingFactor: false)
    /// Pages of the region's kind over the measured call's time.
    public static let pagesPerSecond = custom("throughput (pages/s)", polarity: .prefersLarger, useScalingFactor: false)
    /// PinBench's pin time over the plain C job's, in thousandths (1000 = the same).
    public static let harnessRatio = custom("PinBench/C pin time (per mille)", polarity: .prefersSmaller, useScalingFactor: false)
    /// The pin phase of the PinBench job in the harness-overhead pair.
    public static let pinBenchPinTime = custom("PinBench pin (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    /// The pin phase of the plain C job in the harness-overhead pair.
    public static let plainCPinTime = custom("plain C pin (ns)", polarity: .prefersSmaller, useScalingFactor: false)
}

extension Benchmark {
    /// Records `bytes` of `pageSize` pages handled in `seconds` as the two throughput metrics.
    public func recordThroughput(bytes: Int, pageSize: Int, seconds: Double) {
        guard seconds > 0 else { return }
        measurement(.mibPerSecond, Int((Double(bytes) / Double(1 << 20) / seconds).rounded()))
        measurement(.pagesPerSecond, Int((Double(bytes / pageSize) / seconds).rounded()))
    }
}
