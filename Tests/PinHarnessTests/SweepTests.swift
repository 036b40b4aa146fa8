import Foundation
import PinBackends
@testable import PinHarness
import PinContract
import PinCore
import PinSystem
import Testing

@Suite("Sweeps on real memory: order, skips, interruption and resume")
struct SweepTests {
    /// 5 runnable cells (single/1, user/1, user/2, kernel/1, kernel/2) of 8 MiB anon memory,
    /// 3 rounds (1 warm-up); hugetlb-1g cannot hold 8 MiB, so its 5 cells are skipped.
    static func specification(memory: [MemoryKind] = [.anon, .hugetlb1g]) -> SweepSpecification {
        SweepSpecification(
            backends: [.populate], memory: memory, sizes: [.mib(8)], threads: [1, 2], repetitions: 2, warmups: 1,
            seed: 11, kernelAlign: .base, minChunk: .mib(2), commandLine: "pinbench sweep (test)")
    }

    @Test("cells: single once at 1 thread, every threaded strategy at every count")
    func cells() {
        let ids = Self.specification(memory: [.anon]).cells.map(\.id)
        #expect(ids == ["populate/anon/8M/single/1", "populate/anon/8M/user/1", "populate/anon/8M/user/2",
                        "populate/anon/8M/kernel/1", "populate/anon/8M/kernel/2"])
    }

    @Test("hugepages are reserved for real hugetlb regions, not for foliosim's simulated ones unless it reads the kernel's folios")
    func hugepagesForRealRegionsOnly() {
        func largest(_ backends: [BackendID], layout: FolioLayout = .memory) -> [Int] {
            let specification = SweepSpecification(
                backends: backends, memory: [.hugetlb2m], sizes: [.mib(64)], threads: [1], seed: 1,
                backendOptions: [FolioSimOptions(layout: layout)], commandLine: "pinbench sweep (test)")
            return specification.largestHugetlbRegions(in: specification.cells).map { $0.bytes }
        }
        #expect(largest([.populate]) == [64 << 20])
        #expect(largest([.foliosim]) == [])
        #expect(largest([.foliosim], layout: .pagemap) == [64 << 20])
        #expect(largest([.foliosim, .mlock]) == [64 << 20])
    }

    @Test("each round runs every cell once in its own seeded order; skipped cells are recorded with the reason")
    func fullSweep() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try ResultSet.create(at: "\(folder)/set")
        let specification = Self.specification()
        var skippedEvents = 0
        let outcome = try Sweep(specification, resultSet: set).run(stopWhen: { false }, onEvent: { event in
            if case .skipped(let cells, let reason) = event {
                skippedEvents += 1
                #expect(cells.count == 5 && reason.contains("hugetlb-1g"))
            }
        })
        #expect(outcome.recorded == 15 && outcome.skippedCells == 5 && outcome.complete && !outcome.interrupted)
        #expect(skippedEvents == 1)
        let records = try set.readRecords()
        #expect(records.allSatisfy { $0.verified }, "\(records.filter { !$0.verified }.map(\.pinnedCheck))")
        #expect(records.allSatisfy { $0.seed == 11 })
        let runnable = specification.cells.filter { $0.memory == .anon }
        for round in 0..<3 {
            let inRound = records.filter { $0.round == round }
            #expect(inRound.map(\.cell!) == specification.order(of: runnable, round: round).map(\.id))
            #expect(inRound.allSatisfy { $0.warmup == (round == 0) })
        }
        #expect(specification.order(of: runnable, round: 1).map(\.id) != specification.order(of: runnable, round: 2).map(\.id))
        #expect(try set.readSkipped().count == 5)
    }

    @Test("an interrupted sweep keeps what it finished, drops the repetition in progress, and resume runs exactly the rest")
    func interruptAndResume() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try ResultSet.create(at: "\(folder)/set")
        let specification = Self.specification(memory: [.anon])
        // stopWhen is asked before and after each repetition; saying stop after the 7th
        // repetition's measurement is an interrupt that lands inside it.
        var asked = 0
        var discarded: [String] = []
        let first = try Sweep(specification, resultSet: set).run(stopWhen: {
            asked += 1
            return asked == 14
        }, onEvent: { event in
            if case .discarded(let cell, _) = event { discarded.append(cell.id) }
        })
        #expect(first.interrupted && first.recorded == 6 && discarded.count == 1)
        #expect(try set.readRecords().count == 6)

        // A kill in the middle of a write leaves half a line; resume cuts it off.
        let handle = try #require(FileHandle(forWritingAtPath: set.path(ResultSet.runsFile)))
        handle.seekToEndOfFile()
        handle.write(Data("{\"backend\":".utf8))
        try handle.close()

        var toRun = 0
        let second = try Sweep(specification, resultSet: set).run(stopWhen: { false }, onEvent: { event in
            if case .started(let count, let done) = event {
                toRun = count
                #expect(done == 6)
            }
        })
        #expect(second.complete && second.recorded == 9 && toRun == 9)
        let records = try set.readRecords()
        let pairs = records.map { "\($0.cell!)#\($0.round!)" }
        #expect(records.count == 15 && Set(pairs).count == 15)
        #expect(records.allSatisfy { $0.verified })

        // Nothing left: a third run records nothing.
        let third = try Sweep(specification, resultSet: set).run(stopWhen: { false })
        #expect(third.recorded == 0 && third.complete)
    }

    @Test("the default size: at least 2 GiB, CPUs x 256 MiB, whole GiB, at most half the usable memory")
    func defaultSize() {
        let roomy = MemoryInfo(totalBytes: 1 << 40, availableBytes: 1 << 40)
        #expect(SweepDefaults.size(cpus: 2, memory: roomy) == .gib(2))
        #expect(SweepDefaults.size(cpus: 128, memory: roomy) == .gib(32))
        #expect(SweepDefaults.size(cpus: 6, memory: roomy) == .gib(2))
        #expect(SweepDefaults.size(cpus: 10, memory: roomy) == .gib(3))  // 2.5 GiB rounded up
        let small = MemoryInfo(totalBytes: 8 << 30, availableBytes: 5 << 30)  // usable ~4.75 GiB
        #expect(SweepDefaults.size(cpus: 128, memory: small) == .gib(2))
    }
}
