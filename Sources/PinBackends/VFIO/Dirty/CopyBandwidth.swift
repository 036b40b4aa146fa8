#if canImport(Glibc)
import Glibc
#endif
import PinSystem

/// This machine's memory copy bandwidth, measured once per process: the floor a bitmap read
/// cannot beat is its bytes at this speed (a kernel's copy-out is at best a `memcpy`).
public enum CopyBandwidth {
    /// Bytes per second of the best of five `memcpy`s of 64 MiB between two buffers written
    /// first (so no fault is timed). Counts bytes copied, not read plus written.
    public static let measured: Double = measure(bytes: 64 << 20, rounds: 5)

    static func measure(bytes: Int, rounds: Int) -> Double {
        let source = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
        let target = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
        defer {
            source.deallocate()
            target.deallocate()
        }
        memset(source, 0x5a, bytes)
        memset(target, 0, bytes)
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = MonotonicClock.now()
            memcpy(target, source, bytes)
            best = min(best, MonotonicClock.seconds(from: start, to: MonotonicClock.now()))
        }
        return best > 0 && best.isFinite ? Double(bytes) / best : 0
    }
}
