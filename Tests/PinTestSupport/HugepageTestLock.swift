#if canImport(Glibc)
import Glibc
#endif

/// Keeps the tests that use the 2 MiB hugetlb pool out of each other's way, across suites and
/// test targets (one test process runs them all, in parallel).
///
/// A test that reserves pages and then maps no more than it reserved only needs its own pages:
/// it takes the lock `shared`. A test whose process maps more than it reserves (a sweep grows
/// the pool only by what is missing, so it also takes pages that are free at that moment, other
/// tests' included) takes it `exclusive`. `flock` on a file, so it also holds between processes.
public enum HugepageTestLock {
    static let path = "/tmp/pinbench-tests-hugepages.lock"

    public static func shared<T>(_ body: () throws -> T) rethrows -> T { try locked(LOCK_SH, body) }

    public static func exclusive<T>(_ body: () throws -> T) rethrows -> T { try locked(LOCK_EX, body) }

    static func locked<T>(_ operation: Int32, _ body: () throws -> T) rethrows -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        // Without the file the tests still run, only unordered (as before this lock).
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        while flock(descriptor, operation) != 0 && errno == EINTR {}
        return try body()
    }
}
