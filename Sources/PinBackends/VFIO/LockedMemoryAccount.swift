#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinSystem
import Synchronization

/// The shim's `locked_vm`: pages charged by DMA maps, checked against `RLIMIT_MEMLOCK` unless
/// the process has `CAP_IPC_LOCK` (then only counted, as `vfio_lock_acct` does).
///
/// Every update of the counter takes one lock and, under type1's model, cycles this process's
/// `mmap_lock` for writing (an `mprotect` of a private page), as `vfio_lock_acct` takes
/// `mmap_write_lock`, so charging contends with page faults and with other threads' pins the
/// way type1's does. iommufd's default accounting (`IOPT_PAGES_ACCOUNT_USER`) is atomic on the
/// user's `locked_vm` and the mm's `pinned_vm`, with no `mmap_lock`: `cyclesMmapLock` false
/// at init. Charges are made per VFIO pin batch (`batchPages`, the 512 page pointers
/// `vfio_pin_pages_remote` fills per call) with
/// `shared`, or per cache refill with `cached:<pages>`.
public final class LockedMemoryAccount: @unchecked Sendable {
    /// Base pages per charge with `shared` accounting.
    public static let batchPages = 512

    public let model: VFIOOptions.LockedVM
    public let limit: MemlockLimit
    /// `VmLck` when the account was opened, in base pages: the mm's `locked_vm` the limit also counts.
    public let startingPages: Int

    private let charged = Mutex<Int>(0)
    private let updates = Atomic<Int>(0)
    private let mmapLockPage: UnsafeMutableRawPointer?

    public init(model: VFIOOptions.LockedVM, limit: MemlockLimit = .current(), startingBytes: Int? = nil,
                cyclesMmapLock: Bool = true) {
        self.model = model
        self.limit = limit
        self.startingPages = (startingBytes ?? (try? ProcStatus.current().lockedBytes) ?? 0) / PageSize.base.bytes
        // Without the page (no memory for one) the model skips its mmap_lock cycle.
        self.mmapLockPage = cyclesMmapLock
            ? try? Syscall.mmap(nil, PageSize.base.bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, "mmap(a page)")
            : nil
    }

    deinit {
        if let mmapLockPage { Syscall.munmap(mmapLockPage, PageSize.base.bytes) }
    }

    /// Pages charged now.
    public var chargedPages: Int { charged.withLock { $0 } }
    /// Counter updates since the last call (each one lock and one `mmap_lock` write cycle).
    public func takeUpdateCount() -> Int { updates.exchange(0, ordering: .relaxed) }

    /// Which rule applied, for reports: "RLIMIT_MEMLOCK 8M, bypassed by CAP_IPC_LOCK".
    public var ruleDescription: String { "RLIMIT_MEMLOCK \(limit.description)" }

    /// Adds `pages` to the counter in one update, or throws `ENOMEM` as `vfio_lock_acct` does
    /// when the limit would be passed (and then charges nothing).
    func charge(_ pages: Int) throws(SystemError) {
        try update { (total: inout Int) throws(SystemError) in
            if !limit.hasIPCLock, let soft = limit.softBytes {
                let limitPages = soft / PageSize.base.bytes
                guard startingPages + total + pages <= limitPages else {
                    throw SystemError(
                        "locked_vm charge of \(ByteSize(pages * PageSize.base.bytes))", errno: ENOMEM,
                        hint: "RLIMIT_MEMLOCK (\(ByteSize(soft))) exceeded: \(ByteSize(total * PageSize.base.bytes)) charged by maps "
                            + "and \(ByteSize(startingPages * PageSize.base.bytes)) locked before. Run as root (CAP_IPC_LOCK) "
                            + "or raise the limit (ulimit -l unlimited)")
                }
            }
            total += pages
        }
    }

    /// Takes `pages` off the counter in one update.
    func uncharge(_ pages: Int) {
        guard pages > 0 else { return }
        update { (total: inout Int) in total -= pages }
    }

    private func update<E: Error>(_ body: (inout Int) throws(E) -> Void) throws(E) {
        updates.wrappingAdd(1, ordering: .relaxed)
        try charged.withLock { (total: inout Int) throws(E) in
            if let mmapLockPage { _ = mprotect(mmapLockPage, PageSize.base.bytes, PROT_READ | PROT_WRITE) }
            try body(&total)
        }
    }

    /// A per-thread view for one map call: charges in the account's model, and gives back what
    /// a cache holds unused when the call ends.
    func makeCharger() -> Charger { Charger(account: self) }

    /// Charges one thread's pins. Not thread-safe: each pinning thread has its own.
    final class Charger: @unchecked Sendable {
        let account: LockedMemoryAccount
        /// Pages charged through this charger and in use by pins.
        private(set) var usedPages = 0
        /// `cached` only: pages taken from the account and not used yet.
        private var cachedPages = 0

        init(account: LockedMemoryAccount) { self.account = account }

        /// Charges `pages` before they are pinned.
        func charge(_ pages: Int) throws(SystemError) {
            switch account.model {
            case .shared:
                var left = pages
                while left > 0 {
                    let step = min(left, LockedMemoryAccount.batchPages)
                    do {
                        try account.charge(step)
                    } catch {
                        // Give back this request's earlier steps: the pin will not happen.
                        account.uncharge(pages - left)
                        throw error
                    }
                    left -= step
                }
            case .cached(let batch):
                if cachedPages < pages {
                    let needed = pages - cachedPages
                    let want = max(batch, needed)
                    do {
                        try account.charge(want)
                        cachedPages += want
                    } catch {
                        // Near the limit a whole batch may not fit; take just what is needed.
                        guard want > needed else { throw error }
                        try account.charge(needed)
                        cachedPages = pages
                    }
                }
                cachedPages -= pages
            }
            usedPages += pages
        }

        /// Returns `pages` charged earlier (their pins are gone).
        func release(_ pages: Int) {
            usedPages -= pages
            account.uncharge(pages)
        }

        /// Gives the cache's unused pages back at the end of the call.
        func finish() {
            account.uncharge(cachedPages)
            cachedPages = 0
        }
    }
}
