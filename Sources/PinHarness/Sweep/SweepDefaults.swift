import PinBackends
import PinContract
import PinCore
import PinSystem

/// What `pinbench sweep` (and so `scripts/sweep.sh`) measures when told nothing: every strategy,
/// populate and mlock, 4 KiB, THP and 2 MiB hugetlb memory, threads 1..CPUs, one size that
/// takes seconds.
public enum SweepDefaults {
    public static let backends: [BackendID] = [.populate, .mlock]
    public static let memory: [MemoryKind] = [.anon, .thp, .hugetlb2m]
    public static let threads = "1..nproc"
    public static let repetitions = 10
    public static let warmups = 1

    /// Large enough that every kernel helper gets chunks (padata gives each at least
    /// `min_chunk`, 128 MiB, so `cpus` helpers need cpus x 128 MiB; twice that here) and that a
    /// run takes long enough to time well, at least 2 GiB; at most half of the memory usable
    /// now; in whole GiB so every memory kind, 1 GiB pages included, can hold it.
    public static func size(cpus: Int, memory: MemoryInfo) -> ByteSize {
        let gib = 1 << 30
        let wanted = max(2 * gib, cpus * 256 << 20)
        let roundedUp = (wanted + gib - 1) / gib * gib
        let ceiling = memory.usableBytes / 2 / gib * gib
        return ByteSize(max(min(roundedUp, ceiling), gib))
    }
}
