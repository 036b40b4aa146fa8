import Foundation
import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import PinSystem
import Testing

/// A tracker with known times whose bitmaps are synthetic: what a real one reads is checked in
/// the lab (type1 and the mock domain); here the data flow from a pass to the record, the
/// tables and the verdict.
final class FakeDirtyTracker: DirtyTracker, @unchecked Sendable {
    let trackerName = "fake tracker"
    /// Whether its read after the clearing read finds a stray bit.
    let strayAfterClear: Bool
    init(strayAfterClear: Bool = false) { self.strayAfterClear = strayAfterClear }

    func pass(over region: Region, iova: UInt64) -> DirtyTrackingOutcome {
        var outcome = DirtyTrackingOutcome()
        let pages = region.size.bytes / PageSize.base.bytes
        let pattern = DirtyPattern(pages: pages, unitPages: 1)
        outcome.bitmapBytes = pattern.marked.byteCount
        for (index, step) in DirtyStep.allCases.enumerated() where step != .unmapWithBitmap { outcome.seconds[step] = Double(index + 1) * 1e-3 }
        let check = DirtyBitmapCheck.pattern(marked: pattern.marked, allowed: pattern.marked)
        outcome.check(check.verify(pattern.marked, "read"))
        var after = DirtyBitmap(pages: pages)
        if strayAfterClear { after[pages / 2] = true }
        outcome.check(DirtyBitmapCheck.none.verify(after, "read after clear"))
        outcome.notes[DirtyMetric.pageSizes] = "4K read"
        return outcome
    }
}

@Suite("dirty tracking: a pass's times in the record, the run and sweep tables, and its verdict")
struct DirtyTrackingRunTests {
    static let options = VFIOOptions(dirtyTracking: .iommufdMock)

    static func run(_ tracker: FakeDirtyTracker, size: ByteSize = .mib(8)) throws -> [RunRecord] {
        let configuration = RunConfiguration(
            backendOptions: options, strategies: [.single], threads: 1, size: size, memory: .anon,
            repetitions: 2, warmups: 0, hostWarm: .off)
        let backend = VFIOBackend(mapper: TableMapperFake(), options: options, dirtyTracker: tracker)
        return try Experiment(configuration, sharing: backend).run()
    }

    @Test("each step's seconds, the bitmap's bytes and the copy bandwidth reach the record, marked MOCK, and survive its JSON")
    func record() throws {
        let records = try Self.run(FakeDirtyTracker())
        #expect(records.count == 2 && records.allSatisfy(\.verified), "\(records.map(\.pinnedCheck))")
        for record in records {
            let metrics = try #require(record.backendMetrics)
            #expect(metrics[DirtyMetric.start] == 1e-3 && metrics[DirtyMetric.stop] == 5e-3)
            #expect(metrics[DirtyMetric.unmapWithBitmap] == nil)
            #expect(metrics[DirtyMetric.bitmapBytes] == Double(2048 / 8))
            #expect((metrics[DirtyMetric.copyBandwidth] ?? 0) > 0)
            #expect(metrics[DirtyMetric.tracker] == "MOCK: fake tracker")
            #expect(record.pinnedCheck.contains("dirty tracking (MOCK domain): read: 684 of 2048 pages dirty, 684 marked"), "\(record.pinnedCheck)")
            #expect(record.backendOptions?.contains("MOCK") == true)
            #expect(try JSONDecoder().decode(RunRecord.self, from: JSONEncoder().encode(record)) == record)
        }
    }

    @Test("a bitmap that fails its check fails the run (exit 3), and the region is still unmapped")
    func failedCheck() throws {
        let records = try Self.run(FakeDirtyTracker(strayAfterClear: true))
        #expect(records.allSatisfy { !$0.verified })
        #expect(records.allSatisfy { $0.pinnedCheck.contains("read after clear: 1 of 2048 pages dirty (none wanted)") })
        #expect(records.allSatisfy { $0.unpinnedCheck.contains("0 fake entries") },
                "\(records.map(\.unpinnedCheck))")
    }

    @Test("run's report: a dirty-tracking table per step with per GiB, per bitmap byte and the floor; the metrics table leaves them out")
    func runTable() throws {
        let records = try Self.run(FakeDirtyTracker())
        let text = RunReport(title: "pinbench run: test", machineLine: "test", records: records).render(.markdown)
        #expect(text.contains("dirty tracking (median)") && text.contains("read after clear") && text.contains("floor per GiB"), "\(text)")
        #expect(text.contains("single · anon · 8M · MOCK"), "\(text)")
        #expect(text.contains("MOCK rows: iommufd's selftest mock domain"))
        #expect(text.contains("floor: a bitmap of 1 GiB at 4K pages is 32K"))
        #expect(text.contains("tracker: MOCK: fake tracker; bitmap page sizes: 4K read"))
        let metrics = BackendMetricsTable(records: records)
        #expect(!metrics.columns.contains { DirtyMetric.owns($0) })
        #expect(metrics.notes[DirtyMetric.tracker.name] == nil)
        // 1 ms for 8M is 128 ms per GiB; 256 bitmap bytes make it 3906.25 ns per byte.
        let table = DirtyTrackingTable(records: records)
        let row = try #require(table.rows.first)
        #expect(DirtyTrackingTable.perGiB(row.medians[DirtyMetric.start.name]!, bytes: row.sizeBytes) == 0.128)
        #expect(text.contains("3906.25 ns"), "\(text)")
        var fixed = row
        fixed.copyBandwidth = 32768e6
        #expect(DirtyTrackingTable.floorPerGiB(fixed) == 1e-6)
    }

    @Test("a sweep's summary carries the group's dirty-tracking table")
    func sweepTable() throws {
        var records = try Self.run(FakeDirtyTracker())
        for index in records.indices { records[index].cell = "vfio/anon/8M/single/1" }
        let summary = SweepSummary(records: records).markdown()
        #expect(summary.contains("Dirty tracking:") && summary.contains("read (no clear)") && summary.contains("MOCK"), "\(summary)")
        #expect(!SweepSummary(records: []).markdown().contains("Dirty tracking:"))
    }
}
