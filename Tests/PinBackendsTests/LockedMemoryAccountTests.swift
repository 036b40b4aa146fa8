#if canImport(Glibc)
import Glibc
#endif
@testable import PinBackends
import PinSystem
import Testing

/// The shim's `locked_vm` accounting: update counts per model, cache refills and give-backs,
/// and `RLIMIT_MEMLOCK` refusals. Every account is given an explicit limit and starting bytes,
/// so nothing here depends on the process's own limit or `VmLck`.
@Suite("LockedMemoryAccount")
struct LockedMemoryAccountTests {
    static let page = 4096
    static let unlimited = MemlockLimit(softBytes: nil, hasIPCLock: false)

    static func account(
        _ model: VFIOOptions.LockedVM, limitPages: Int? = nil, hasIPCLock: Bool = false, startingPages: Int = 0
    ) -> LockedMemoryAccount {
        LockedMemoryAccount(
            model: model, limit: MemlockLimit(softBytes: limitPages.map { $0 * page }, hasIPCLock: hasIPCLock),
            startingBytes: startingPages * page)
    }

    /// The SystemError `body` throws, or nil.
    static func failure(_ body: () throws(SystemError) -> Void) -> SystemError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("a new account holds the model, the limit and the starting pages, and nothing charged")
    func initial() {
        let limit = MemlockLimit(softBytes: 64 * Self.page, hasIPCLock: false)
        let account = LockedMemoryAccount(model: .cached(pages: 8), limit: limit, startingBytes: 3 * Self.page + 100)
        #expect(LockedMemoryAccount.batchPages == 512)
        #expect(account.model == .cached(pages: 8))
        #expect(account.limit == limit)
        #expect(account.startingPages == 3)  // whole pages, rounded down
        #expect(account.chargedPages == 0)
        #expect(account.takeUpdateCount() == 0)
        #expect(account.ruleDescription.hasPrefix("RLIMIT_MEMLOCK "))
    }

    @Test("the account's own charge and uncharge are one update each; uncharge of 0 is none")
    func directCharge() throws {
        let account = Self.account(.shared)
        try account.charge(1300)
        #expect(account.chargedPages == 1300)
        #expect(account.takeUpdateCount() == 1)
        account.uncharge(300)
        #expect(account.chargedPages == 1000)
        account.uncharge(0)
        #expect(account.chargedPages == 1000)
        #expect(account.takeUpdateCount() == 1)
        #expect(account.takeUpdateCount() == 0)  // taking resets the count
    }

    /// (pages, counter updates) for one shared charge.
    static let sharedCases: [(Int, Int)] = [(0, 0), (1, 1), (511, 1), (512, 1), (513, 2), (1024, 2), (1300, 3), (1537, 4)]

    @Test("shared charges in steps of 512 pages, one update each", arguments: sharedCases)
    func sharedSteps(pages: Int, updates: Int) throws {
        let account = Self.account(.shared)
        let charger = account.makeCharger()
        try charger.charge(pages)
        #expect(account.chargedPages == pages)
        #expect(charger.usedPages == pages)
        #expect(account.takeUpdateCount() == updates)
        charger.finish()  // shared holds no cache: nothing to give back
        #expect(account.chargedPages == pages)
        #expect(account.takeUpdateCount() == 0)
    }

    @Test("shared release gives pages straight back in one update")
    func sharedRelease() throws {
        let account = Self.account(.shared)
        let charger = account.makeCharger()
        try charger.charge(1300)
        _ = account.takeUpdateCount()
        charger.release(300)
        #expect(account.chargedPages == 1000)
        #expect(charger.usedPages == 1000)
        #expect(account.takeUpdateCount() == 1)
        charger.release(1000)
        #expect(account.chargedPages == 0)
        #expect(charger.usedPages == 0)
    }

    @Test("cached:512 charging 100 pages 10 times refills twice and finish gives 24 back")
    func cachedRefills() throws {
        let account = Self.account(.cached(pages: 512))
        let charger = account.makeCharger()
        var charged: [Int] = []
        for _ in 0..<10 {
            try charger.charge(100)
            charged.append(account.chargedPages)
        }
        // Refill of 512 at the 1st call (cache 512 -> 12 after five), then at the 6th (12 + 512 -> 24 after five).
        #expect(charged == [512, 512, 512, 512, 512, 1024, 1024, 1024, 1024, 1024])
        #expect(account.takeUpdateCount() == 2)
        #expect(charger.usedPages == 1000)
        charger.finish()
        #expect(account.chargedPages == 1000)
        #expect(account.takeUpdateCount() == 1)
        charger.finish()  // the cache is empty now: no update
        #expect(account.chargedPages == 1000)
        #expect(account.takeUpdateCount() == 0)
        charger.release(1000)
        #expect(account.chargedPages == 0)
        #expect(charger.usedPages == 0)
        #expect(account.takeUpdateCount() == 1)
    }

    @Test("cached takes a whole request larger than its batch in one update")
    func cachedLargeRequest() throws {
        let account = Self.account(.cached(pages: 512))
        let charger = account.makeCharger()
        try charger.charge(2000)
        #expect(account.chargedPages == 2000)
        #expect(account.takeUpdateCount() == 1)
        try charger.charge(1)  // the cache is empty: a refill of 512
        #expect(account.chargedPages == 2512)
        #expect(account.takeUpdateCount() == 1)
        charger.finish()
        #expect(account.chargedPages == 2001)
        #expect(charger.usedPages == 2001)
    }

    @Test("cached keeps the leftover of its cache when it refills")
    func cachedLeftover() throws {
        let account = Self.account(.cached(pages: 100))
        let charger = account.makeCharger()
        try charger.charge(60)  // takes 100, 40 left
        try charger.charge(70)  // 40 < 70: takes max(100, 30) = 100, 140 -> 70 left
        #expect(account.chargedPages == 200)
        #expect(account.takeUpdateCount() == 2)
        try charger.charge(70)  // from the cache
        #expect(account.chargedPages == 200)
        #expect(account.takeUpdateCount() == 0)
        charger.finish()
        #expect(account.chargedPages == 200)  // nothing left to give back
        #expect(account.takeUpdateCount() == 0)
        #expect(charger.usedPages == 200)
    }

    @Test("two cached chargers each take their own batches from one account")
    func cachedTwoChargers() throws {
        let account = Self.account(.cached(pages: 512))
        let first = account.makeCharger(), second = account.makeCharger()
        try first.charge(10)
        try second.charge(10)
        #expect(account.chargedPages == 1024)
        first.finish()
        #expect(account.chargedPages == 522)
        second.finish()
        #expect(account.chargedPages == 20)
        #expect(account.takeUpdateCount() == 4)
    }

    @Test("shared past the limit without CAP_IPC_LOCK is ENOMEM and leaves nothing charged")
    func sharedRefused() throws {
        let account = Self.account(.shared, limitPages: 1000)
        let charger = account.makeCharger()
        let error = Self.failure { () throws(SystemError) in try charger.charge(1300) }
        #expect(error?.errno == ENOMEM)
        #expect(error?.hint?.contains("RLIMIT_MEMLOCK") == true)
        #expect(account.chargedPages == 0)
        #expect(charger.usedPages == 0)
        // Charge 512, refused 512, give back 512.
        #expect(account.takeUpdateCount() == 3)
        // Up to the limit exactly is allowed, one page more is not.
        try charger.charge(1000)
        #expect(account.chargedPages == 1000)
        #expect(Self.failure { () throws(SystemError) in try charger.charge(1) }?.errno == ENOMEM)
        #expect(account.chargedPages == 1000)
        #expect(charger.usedPages == 1000)
    }

    @Test("a refusal keeps what earlier calls charged")
    func refusalKeepsEarlier() throws {
        let account = Self.account(.shared, limitPages: 2000)
        let charger = account.makeCharger()
        try charger.charge(700)
        #expect(Self.failure { () throws(SystemError) in try charger.charge(1400) }?.errno == ENOMEM)
        #expect(account.chargedPages == 700)
        #expect(charger.usedPages == 700)
        #expect(Self.failure { () throws(SystemError) in try account.charge(1301) }?.errno == ENOMEM)
        try account.charge(1300)
        #expect(account.chargedPages == 2000)
    }

    @Test("cached near the limit takes just what is needed, and a refusal charges nothing")
    func cachedNearLimit() throws {
        let account = Self.account(.cached(pages: 512), limitPages: 1000)
        let charger = account.makeCharger()
        try charger.charge(100)  // refill 512, cache 412
        #expect(account.chargedPages == 512)
        _ = account.takeUpdateCount()
        try charger.charge(500)  // 512 more would pass 1000: takes 88, cache 0
        #expect(account.chargedPages == 600)
        #expect(charger.usedPages == 600)
        #expect(account.takeUpdateCount() == 2)  // the refused batch, then the exact charge
        let error = Self.failure { () throws(SystemError) in try charger.charge(401) }
        #expect(error?.errno == ENOMEM)
        #expect(error?.hint?.contains("RLIMIT_MEMLOCK") == true)
        #expect(account.chargedPages == 600)
        #expect(charger.usedPages == 600)
        try charger.charge(400)
        #expect(account.chargedPages == 1000)
        charger.finish()
        #expect(account.chargedPages == 1000)
    }

    @Test("a cached refusal keeps the charger's cache for later calls")
    func cachedRefusalKeepsCache() throws {
        let account = Self.account(.cached(pages: 300), limitPages: 400)
        let charger = account.makeCharger()
        try charger.charge(100)  // takes 300, cache 200
        #expect(Self.failure { () throws(SystemError) in try charger.charge(301) }?.errno == ENOMEM)
        #expect(account.chargedPages == 300)
        try charger.charge(200)  // from the cache
        #expect(account.chargedPages == 300)
        #expect(charger.usedPages == 300)
    }

    @Test("CAP_IPC_LOCK bypasses the limit but the pages are still counted", arguments: [
        VFIOOptions.LockedVM.shared, .cached(pages: 512),
    ])
    func bypass(model: VFIOOptions.LockedVM) throws {
        let account = Self.account(model, limitPages: 1, hasIPCLock: true, startingPages: 10)
        let charger = account.makeCharger()
        try charger.charge(1300)
        #expect(account.chargedPages == 1300)
        try account.charge(5000)
        #expect(account.chargedPages == 6300)
        charger.finish()
        #expect(account.chargedPages == 6300)
    }

    @Test("no soft limit means no refusal")
    func unlimited() throws {
        let account = LockedMemoryAccount(model: .shared, limit: Self.unlimited, startingBytes: 1 << 40)
        let charger = account.makeCharger()
        try charger.charge(1 << 20)
        #expect(account.chargedPages == 1 << 20)
    }

    @Test("the pages locked before count toward the limit", arguments: [
        VFIOOptions.LockedVM.shared, .cached(pages: 64),
    ])
    func startingBytes(model: VFIOOptions.LockedVM) throws {
        let account = Self.account(model, limitPages: 1000, startingPages: 600)
        #expect(account.startingPages == 600)
        #expect(Self.failure { () throws(SystemError) in try account.charge(401) }?.errno == ENOMEM)
        let charger = account.makeCharger()
        try charger.charge(400)
        #expect(account.chargedPages == 400)
        let error = Self.failure { () throws(SystemError) in try charger.charge(1) }
        #expect(error?.errno == ENOMEM)
        #expect(error?.hint?.contains("RLIMIT_MEMLOCK") == true)
        #expect(account.chargedPages == 400)
    }
}
