import CPinSys

/// CPU numbers this process may run on, and the current CPU.
public enum CPUSet {
    /// CPUs in this thread's affinity mask (`sched_getaffinity`), ascending.
    public static func allowed() -> [Int] {
        let count = cpinsys_allowed_cpu_count()
        guard count > 0 else { return [0] }
        var cpus = [Int32](repeating: 0, count: Int(count))
        let got = cpinsys_allowed_cpus(&cpus, count)
        return cpus.prefix(Int(max(got, 0))).map(Int.init)
    }

    /// The CPU the calling thread runs on now (`sched_getcpu`).
    public static func current() -> Int { Int(cpinsys_sched_getcpu()) }
}
