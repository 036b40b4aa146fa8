#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem
import Synchronization
import Testing

/// Nested in `BackendTests` so it is serialized with every other suite that moves the
/// process-wide `VmPin` (the shim's verification reads it).
extension BackendTests {
    @Suite("vfio shim: real io_uring pins with VFIO's bookkeeping")
    struct VFIOShim {
        /// `VmPin` growth since `baseline`.
        static func pinnedSince(_ baseline: ProcStatus) throws -> Int {
            try ProcStatus.current().pinnedBytes - baseline.pinnedBytes
        }

        static func prefaulted(_ kind: MemoryKind, _ size: ByteSize) throws -> Region {
            let region = try Region.map(kind: kind, size: size)
            try PopulateBackend().pin(region, Chunk(offset: 0, length: size.bytes))
            return region
        }

        @Test("a map of more than 1 GiB registers several iovecs and pins all of it")
        func largerThanOneGiB() throws {
            let size = ByteSize.mib(1026)
            let region = try Self.prefaulted(.thp, size)
            let baseline = try ProcStatus.current()
            let ring = try FixedBufferRing()
            try ring.register(region.base, length: size.bytes)
            #expect(ring.registered.map(\.length) == [1 << 30, 2 << 20])
            #expect(try Self.pinnedSince(baseline) == size.bytes)
            // The kernel's own list (the witness where it charges no VmPin) names the same ranges.
            let listed = try #require(try ring.kernelList())
            #expect(listed.buffers.map { Int($0.address) } == ring.registered.map(\.address))
            #expect(listed.buffers.map(\.length) == ring.registered.map(\.length))
            try ring.unregister()
            #expect(try Self.pinnedSince(baseline) == 0)
            #expect(try ring.kernelList()?.buffers.isEmpty == true)

            // The same through the backend: one map call, verified against VmPin and the IOVA table.
            let backend = VFIOBackend(mapper: ShimDMAMapper())
            try backend.pin(region, Chunk(offset: 0, length: size.bytes))
            let pinned = backend.verifyPinned(region, baseline: baseline)
            #expect(pinned.passed, "\(pinned)")
            try backend.unpin(region, Chunk(offset: 0, length: size.bytes))
            #expect(backend.verifyUnpinned(region, baseline: baseline).passed)
        }

        @Test("the entry limit refuses one map too many, as the kernel does, and pins nothing for it")
        func entryLimit() throws {
            let page = PageSize.base.bytes
            let region = try Self.prefaulted(.anon, ByteSize(4 * page))
            let mapper = ShimDMAMapper(entryLimit: 3)
            let baseline = try ProcStatus.current()
            for index in 0..<3 {
                try mapper.map(vaddr: region.address + index * page, length: page, iova: UInt64(index * page))
            }
            #expect(throws: SystemError.self) {
                try mapper.map(vaddr: region.address + 3 * page, length: page, iova: UInt64(3 * page))
            }
            do {
                try mapper.map(vaddr: region.address + 3 * page, length: page, iova: UInt64(3 * page))
            } catch {
                #expect(error.errno == ENOSPC)
                #expect(error.description.contains("dma_entry_limit (3)"))
            }
            #expect(try Self.pinnedSince(baseline) == 3 * page)
            #expect(mapper.entryCount == 3)
            try mapper.unmap(iova: 0, length: 3 * page)
            #expect(try Self.pinnedSince(baseline) == 0)
            #expect(mapper.entryCount == 0)
            #expect(mapper.account.chargedPages == 0)
        }

        @Test("an overlapping map is refused with EEXIST and pins nothing; an unmap may not bisect a mapping")
        func overlap() throws {
            let page = PageSize.base.bytes
            let region = try Self.prefaulted(.anon, ByteSize(16 * page))
            let mapper = ShimDMAMapper()
            let baseline = try ProcStatus.current()
            try mapper.map(vaddr: region.address, length: 8 * page, iova: 0x10_0000)
            do {
                try mapper.map(vaddr: region.address + 8 * page, length: 8 * page, iova: 0x10_0000 + UInt64(4 * page))
                Issue.record("an overlapping map was accepted")
            } catch {
                #expect(error.errno == EEXIST)
                #expect(error.description.contains("overlaps the mapping at iova 0x100000"))
            }
            #expect(try Self.pinnedSince(baseline) == 8 * page)
            do {
                try mapper.unmap(iova: 0x10_0000, length: 4 * page)
                Issue.record("a bisecting unmap was accepted")
            } catch {
                #expect(error.errno == EINVAL)
            }
            try mapper.unmap(iova: 0x10_0000, length: 8 * page)
            #expect(try Self.pinnedSince(baseline) == 0)
        }

        @Test("RLIMIT_MEMLOCK exceeded mid-call: a clear error, and nothing stays pinned or charged",
              arguments: [VFIOOptions.LockedVM.shared, .cached(pages: 1024)])
        func memlockExceeded(lockedVM: VFIOOptions.LockedVM) throws {
            let size = ByteSize.mib(32)
            let region = try Self.prefaulted(.anon, size)
            let mapper = ShimDMAMapper(lockedVM: lockedVM, memlock: MemlockLimit(softBytes: 16 << 20, hasIPCLock: false),
                                       startingLockedBytes: 0)
            let baseline = try ProcStatus.current()
            let chunks = (0..<4).map { Chunk(offset: $0 * (8 << 20), length: 8 << 20) }
            do {
                // One call split into four chunks on this thread: two fit under 16M, the third does not.
                try mapper.mapSplit(vaddr: region.address, length: size.bytes, iova: 0, workers: 1) { work in
                    for chunk in chunks { try? work(chunk, 0) }
                }
                Issue.record("a map past RLIMIT_MEMLOCK was accepted")
            } catch {
                #expect(error.errno == ENOMEM)
                #expect(error.description.contains("RLIMIT_MEMLOCK (16M) exceeded"))
            }
            #expect(try Self.pinnedSince(baseline) == 0)
            #expect(mapper.entryCount == 0)
            #expect(mapper.account.chargedPages == 0)
        }

        @Test("CAP_IPC_LOCK bypasses the limit but pages are still counted")
        func capIPCLockBypass() throws {
            let region = try Self.prefaulted(.anon, .mib(8))
            let mapper = ShimDMAMapper(memlock: MemlockLimit(softBytes: 1 << 20, hasIPCLock: true), startingLockedBytes: 0)
            try mapper.map(vaddr: region.address, length: 8 << 20, iova: 0)
            #expect(mapper.account.chargedPages == 2048)
            try mapper.unmap(iova: 0, length: 8 << 20)
            #expect(mapper.account.chargedPages == 0)
        }

        /// Two threads map one half each at the same moment, as `user` does.
        static func mapHalvesConcurrently(_ mapper: ShimDMAMapper, _ region: Region) throws {
            let half = region.size.bytes / 2
            let barrier = StartBarrier(parties: 2)
            let failures = Mutex<[String]>([])
            var threads: [BoundThread] = []
            for index in 0..<2 {
                let offset: Int = index * half
                threads.append(try BoundThread.spawn(cpus: nil) {
                    barrier.arriveAndWait()
                    do throws(SystemError) {
                        try mapper.map(vaddr: region.address + offset, length: half, iova: UInt64(offset))
                    } catch {
                        failures.withLock { $0.append(error.description) }
                    }
                    barrier.arrive()
                })
            }
            barrier.waitForArrivals()
            barrier.release()
            barrier.waitForArrivals()
            for thread in threads { thread.join() }
            #expect(failures.withLock { $0 }.isEmpty)
        }

        @Test("type1's container lock serializes parallel map calls: all pinning happens under it, one pinner at a time")
        func type1LockSerializes() throws {
            let region = try Self.prefaulted(.anon, .mib(64))
            let mapper = ShimDMAMapper(containerLock: .type1)
            _ = mapper.takeStatistics()
            try Self.mapHalvesConcurrently(mapper, region)
            let statistics = mapper.takeStatistics()
            #expect(statistics.mapCalls == 2)
            #expect(statistics.maxConcurrentPinners == 1)
            #expect(statistics.bytesPinnedUnderContainerLock == region.size.bytes)
            #expect(statistics.containerLockSeconds > 0)
            try mapper.unmap(iova: 0, length: region.size.bytes)
            #expect(mapper.entryCount == 0)
        }

        @Test("the iommufd model pins outside any container lock")
        func iommufdNoContainerLock() throws {
            let region = try Self.prefaulted(.anon, .mib(64))
            let mapper = ShimDMAMapper(containerLock: .iommufd)
            try Self.mapHalvesConcurrently(mapper, region)
            let statistics = mapper.takeStatistics()
            #expect(statistics.mapCalls == 2)
            #expect(statistics.bytesPinnedUnderContainerLock == 0)
            #expect(statistics.containerLockSeconds == 0)
            try mapper.unmap(iova: 0, length: region.size.bytes)
        }

        @Test("one map call split across two threads pins every chunk into its own ring and verifies")
        func splitCall() throws {
            let size = ByteSize.mib(32)
            let region = try Self.prefaulted(.thp, size)
            let backend = VFIOBackend(mapper: ShimDMAMapper(containerLock: .type1, lockedVM: .cached(pages: 2048)))
            let baseline = try ProcStatus.current()
            let chunks = (0..<8).map { Chunk(offset: $0 * (4 << 20), length: 4 << 20) }
            // The split: two threads take alternate chunks.
            let split = { (work: @escaping ChunkWork) in
                var threads: [BoundThread] = []
                for worker in 0..<2 {
                    let mine = chunks.enumerated().filter { $0.offset % 2 == worker }.map(\.element)
                    threads.append(try! BoundThread.spawn(cpus: nil) {
                        for chunk in mine { try? work(chunk, worker) }
                    })
                }
                for thread in threads { thread.join() }
            }
            try backend.pinSplit(region, workers: 2, split: split)
            let pinned = backend.verifyPinned(region, baseline: baseline)
            #expect(pinned.passed, "\(pinned)")
            let mapped = backend.mapper.takeStatistics()
            #expect(mapped.mapCalls == 1)
            #expect(mapped.rings == 8)
            #expect(mapped.peakEntries == 1)
            try backend.unpinSplit(region, workers: 2, split: split)
            let unpinned = backend.verifyUnpinned(region, baseline: baseline)
            #expect(unpinned.passed, "\(unpinned)")
        }
    }
}
