#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore

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

    /// Binds the calling thread to `cpus` (`pthread_setaffinity_np` on `pthread_self`).
    public static func bindCurrentThread(to cpus: [Int]) throws(SystemError) {
        let values = cpus.map(Int32.init)
        let rc = cpinsys_bind_current_thread(values, Int32(values.count))
        guard rc == 0 else {
            throw SystemError("pthread_setaffinity_np(\(CPUList.format(cpus)))", errno: rc,
                              hint: rc == EINVAL ? "none of these CPUs is online and allowed for this process (taskset, cpuset)" : nil)
        }
    }
}
