import PinSystem

/// Keeps the tests that use the 2 MiB hugetlb pool out of each other's way, across suites and
/// test targets (one test process runs them all, in parallel).
///
/// A test that reserves pages and then maps no more than it reserved only needs its own pages:
/// it takes the lock `shared`. A test whose process maps more than it reserves (a sweep grows
/// the pool only by what is missing, so it also takes pages that are free at that moment, other
/// tests' included) takes it `exclusive`. `flock` on a file, so it also holds between processes.
public enum HugepageTestLock {
    static let path = "/tmp/pinbench-tests-hugepages.lock"

    public static func shared<T>(_ body: () throws -> T) rethrows -> T { try locked(.shared, body) }

    public static func exclusive<T>(_ body: () throws -> T) rethrows -> T { try locked(.exclusive, body) }

    static func locked<T>(_ mode: FileLock.Mode, _ body: () throws -> T) rethrows -> T {
        // Without the file the tests still run, only unordered (as before this lock).
        // Anyone may create it: tests as root and as a user share it.
        let lock = try? FileLock.acquire(path, mode, permissions: 0o666)
        return try withExtendedLifetime(lock) { try body() }
    }
}
