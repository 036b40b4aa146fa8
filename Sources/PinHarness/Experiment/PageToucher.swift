import PinCore
import PinSystem
import Synchronization

/// One thread that writes one byte to every base page of a region, pass after pass, until
/// stopped: what a guest does to its memory while NUMA balancing scans it. A write to a page
/// the scanner made `PROT_NONE` takes a hinting fault, so the scan shows in the time per page.
final class PageToucher: Sendable {
    /// Pages between updates of the shared count and checks of the stop flag: 2 MiB at 4 KiB,
    /// far below a sample's resolution and cheap beside 512 stores.
    static let batchPages = 512

    /// What the toucher thread and its owner share; apart from `PageToucher` so the thread can
    /// hold it before `PageToucher` itself exists.
    private final class Shared: Sendable {
        let touched = Atomic<Int>(0)
        let stopRequested = Atomic<Bool>(false)
    }

    private let shared = Shared()
    private let thread: BoundThread

    /// Starts touching `region` on a new thread, bound to `cpus` when given (a vCPU on another
    /// node than its memory, which is what NUMA balancing acts on).
    init(_ region: Region, cpus: [Int]? = nil) throws(SystemError) {
        let shared = self.shared
        thread = try BoundThread.spawn(cpus: cpus) {
            Self.touch(region, shared: shared)
        }
    }

    /// Base pages written so far (counted per batch).
    var pagesTouched: Int { shared.touched.load(ordering: .acquiring) }

    /// Stops the thread after its current batch and waits for it; returns the pages written.
    @discardableResult
    func stop() -> Int {
        shared.stopRequested.store(true, ordering: .relaxed)
        thread.join()
        return pagesTouched
    }

    deinit { stop() }

    private static func touch(_ region: Region, shared: Shared) {
        let base = region.base
        let pageBytes = PageSize.base.bytes
        let pages = region.basePages
        var value: UInt8 = 0
        while true {
            // A different byte each pass, so every store changes memory; never 0, which a
            // fresh anonymous page already holds (after 255 passes the byte wrapped to 0, and a
            // pass of zeros left the region looking untouched).
            value = value == UInt8.max ? 1 : value + 1
            var page = 0
            while page < pages {
                let end = min(page + batchPages, pages)
                let first = page
                while page < end {
                    base.storeBytes(of: value, toByteOffset: page &* pageBytes, as: UInt8.self)
                    page &+= 1
                }
                // Releasing: the stores above are done (not sunk past the count) when it is read.
                shared.touched.add(end - first, ordering: .releasing)
                if shared.stopRequested.load(ordering: .relaxed) { return }
            }
        }
    }
}
