import CPinSys

/// Nanosecond timestamps from `CLOCK_MONOTONIC` (one vDSO call, no allocation).
public enum MonotonicClock {
    @inline(__always)
    public static func now() -> UInt64 { cpinsys_monotonic_ns() }

    /// Seconds between two timestamps.
    @inline(__always)
    public static func seconds(from start: UInt64, to end: UInt64) -> Double {
        Double(end &- start) / 1e9
    }
}
