import PinBackends
import PinContract
import PinCore
import PinEngine
import PinSystem
import Testing

@Suite("Jobs hand every page to the backend exactly once")
struct JobTests {
    // Odd sizes (in 4 KiB pages) and thread counts; the region is mapped but never touched.
    static let shapes: [(pages: Int, threads: Int)] = [(1, 1), (7, 3), (1001, 4), (4099, 7), (8192, 2), (12_289, 16)]

    @Test("single, user and kernel cover the region exactly once in both phases", arguments: shapes)
    func exactlyOnce(pages: Int, threads: Int) throws {
        let size = ByteSize(pages * 4096)
        let region = try Region.map(kind: .anon, size: size)
        let kernel = KernelPlanParameters(align: .base, minChunk: .kib(16), maxThreads: threads)
        let pool = try HelperPool(helpers: threads - 1)
        defer { pool.shutdown() }
        for strategy in Strategy.allCases {
            let plan = try CutPlanner.plan(strategy: strategy, size: size, memory: .anon, threads: threads, kernel: kernel)
            let backend = RecordingBackend()
            let result = Job(plan: plan, backend: backend, pool: pool).run(on: region)
            #expect(result.verified, "\(strategy): \(result.error ?? "")")
            for chunks in [backend.pinned.withLock { $0 }, backend.unpinned.withLock { $0 }] {
                #expect(RecordingBackend.pageCounts(chunks, size: size.bytes).allSatisfy { $0 == 1 }, "\(strategy)")
            }
            #expect(result.threads.map(\.pinBytes).reduce(0, +) == size.bytes)
            #expect(result.threads.map(\.pinChunks).reduce(0, +) == plan.chunks.count)
            #expect(result.threads.map(\.unpinBytes).reduce(0, +) == size.bytes)
            #expect(result.threads.count == plan.workers)
            if strategy == .user {
                #expect(result.threads.map(\.pinBytes) == plan.bytesPerThread!)
                #expect(result.threadStartSeconds > 0)
            } else {
                #expect(result.threadStartSeconds == 0)
            }
        }
    }

    @Test("a failing chunk fails the job with the backend's error, and nothing is lost")
    func failure() throws {
        let region = try Region.map(kind: .anon, size: .mib(8))
        let pool = try HelperPool(helpers: 3)
        for strategy in Strategy.allCases {
            let plan = try CutPlanner.plan(strategy: strategy, size: .mib(8), memory: .anon, threads: 4,
                                           kernel: KernelPlanParameters(align: .base, minChunk: .mib(1)))
            let result = Job(plan: plan, backend: RecordingBackend(failAt: 5 << 20), pool: pool).run(on: region)
            #expect(!result.verified)
            #expect(result.error?.contains("pin (test)") == true)
            #expect(!result.pinnedCheck.passed)
        }
    }

    @Test("the helper pool runs each participant once per job, job after job")
    func pool() throws {
        let pool = try HelperPool(helpers: 5)
        #expect(pool.startSeconds > 0)
        for participants in [1, 2, 6, 6, 3] {
            let seen = RecordingBackend()
            pool.run(participants: participants) { worker in
                seen.pinned.withLock { $0.append(Chunk(offset: worker, length: 1)) }
            }
            #expect(seen.pinned.withLock { $0 }.map(\.offset).sorted() == Array(0..<participants))
        }
        pool.shutdown()
    }

    @Test("dropping the last reference to a pool runs deinit, which stops and joins its helpers")
    func poolDrop() throws {
        weak var weakPool: HelperPool?
        do {
            let pool = try HelperPool(helpers: 2)
            weakPool = pool
            pool.run(participants: 3) { _ in }
        }
        #expect(weakPool == nil)
    }

    @Test("a real job on real memory verifies and reports per-thread work")
    func realJob() throws {
        let region = try Region.map(kind: .thp, size: .mib(32))
        let plan = try CutPlanner.plan(strategy: .user, size: .mib(32), memory: .thp, threads: 2)
        let result = Job(plan: plan, backend: PopulateBackend()).run(on: region)
        #expect(result.verified, "\(result.pinnedCheck) \(result.unpinnedCheck)")
        #expect(result.pinSeconds > 0 && result.unpinSeconds > 0)
        #expect(result.threads.allSatisfy { $0.pinBusySeconds > 0 && $0.cpu >= 0 })
    }
}
