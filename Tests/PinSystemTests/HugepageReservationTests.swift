#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import PinCore
import PinTestSupport
import Testing

@testable import PinSystem

/// Two reservations that read the pool's total at once each counted the other's pages as their
/// own, and the first release took both back: a test's 8 pages vanished from under it (a
/// hugetlbfs run found "0 total"). Read, grow and release are now one step under a lock.
@Suite("Hugepage reservations made at once each add and return their own pages",
       .enabled(if: geteuid() == 0 && access("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", W_OK) == 0,
                "needs root and a 2 MiB hugetlb pool to grow"))
struct HugepageReservationTests {
    static func total() -> Int { HugepagePool.read(pageSize: PageSize.pmd.bytes)?.total ?? -1 }

    @Test("eight threads reserving 2 pages each at once: the pool grows by 16, and is back after")
    func concurrent() throws {
        try HugepageTestLock.exclusive {
            let before = Self.total()
            let threads = 8
            let reservations = Mutex<[HugepageReservation]>([])
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                do {
                    let reservation = try HugepageReservation(pageSize: PageSize.pmd.bytes, additional: 2)
                    reservations.withLock { $0.append(reservation) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty)
            let granted = reservations.withLock { $0.reduce(0) { $0 + $1.granted } }
            #expect(granted == 2 * threads, "a fragmented machine may give fewer, but each must count only its own")
            #expect(Self.total() == before + granted, "pool \(Self.total()), \(before) before, \(granted) granted")
            let all = reservations.withLock { $0 }
            DispatchQueue.concurrentPerform(iterations: all.count) { all[$0].release() }
            #expect(Self.total() == before)
        }
    }
}
