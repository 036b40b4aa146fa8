import PinBackends
import PinContract
@testable import PinHarness
import PinSystem
import Testing

@Suite("In-kernel per-worker table from the module's records")
struct InKernelTableTests {
    static func worker(_ busy: Double, cpu: Int, chunks: Int = 4, pages: Int = 1024) -> PinBenchModule.Worker {
        PinBenchModule.Worker(startSeconds: 1e-5, endSeconds: 1e-5 + busy, chunks: chunks, pages: pages, folios: pages / 512,
                              cpu: cpu, node: cpu % 2)
    }

    static func record(_ strategy: String, pin: [[PinBenchModule.Worker]], verified: Bool = true, warmup: Bool = false,
                       reversedOffsets: Bool = false) -> RunRecord {
        var record = SummaryTableTests.record(strategy, pin: 0.1, verified: verified, warmup: warmup)
        let calls = pin.enumerated().map { index, workers in
            InKernelTimes.Call(offset: (reversedOffsets ? pin.count - 1 - index : index) << 20, call: PinBenchModule.Call(
                totalSeconds: workers.map(\.endSeconds).max()!, pages: workers.reduce(0) { $0 + $1.pages }, folios: 2,
                workers: workers))
        }
        let unpin = calls.map { InKernelTimes.Call(offset: $0.offset, call: PinBenchModule.Call(
            totalSeconds: 1e-4, pages: $0.call.pages, folios: 2, workers: [worker(1e-4, cpu: 0)])) }
        record.backendMetrics = BackendMetrics(inKernel: InKernelTimes(pin: calls, unpin: unpin))
        return record
    }

    @Test("medians per strategy, phase and worker over verified measured runs; a per-chunk call's worker is its slice")
    func medians() {
        let records = [
            Self.record("kernel", pin: [[Self.worker(9, cpu: 0), Self.worker(9, cpu: 1)]], warmup: true),
            Self.record("kernel", pin: [[Self.worker(0.2, cpu: 0), Self.worker(0.3, cpu: 1)]]),
            Self.record("kernel", pin: [[Self.worker(0.4, cpu: 0), Self.worker(0.5, cpu: 0)]]),
            Self.record("kernel", pin: [[Self.worker(0.6, cpu: 1), Self.worker(0.7, cpu: 1)]]),
            Self.record("kernel", pin: [[Self.worker(99, cpu: 0), Self.worker(99, cpu: 1)]], verified: false),
            // user: two calls of one worker each, the slice at offset 0 given last.
            Self.record("user", pin: [[Self.worker(0.1, cpu: 1)], [Self.worker(0.2, cpu: 0)]], reversedOffsets: true),
        ]
        let table = InKernelTable(records: records)
        let kernelPin = table.rows.filter { $0.variant == "kernel" && $0.phase == "pin" }
        #expect(kernelPin.map(\.worker) == [0, 1])
        #expect(abs(kernelPin[0].busySeconds - 0.4) < 1e-12 && abs(kernelPin[1].busySeconds - 0.5) < 1e-12)
        #expect(kernelPin[1].cpu == 1)  // from the last verified run
        let userPin = table.rows.filter { $0.variant == "user" && $0.phase == "pin" }
        #expect(userPin.count == 2 && userPin[0].cpu == 0 && userPin[1].cpu == 1)
        #expect(table.rows.filter { $0.phase == "unpin" }.count == 3)
        let markdown = table.markdown()
        #expect(markdown.contains("| kernel | pin | 1 | 1/1 | 10.0 µs | 500 ms | 500 ms | 4 | 1024 | 2 |"), "\(markdown)")
    }

    @Test("a mapping run splits each worker's time: gup, records and map; unpin: unpin and unmap; old records keep the old columns")
    func phases() {
        func phased(_ gup: Double, _ map: Double, calls: Int) -> PinBenchModule.Worker {
            var worker = Self.worker(gup + map, cpu: 0)
            worker.gupSeconds = gup
            worker.recordSeconds = gup / 10
            worker.mapSeconds = map
            worker.mapCalls = calls
            return worker
        }
        let records = [
            Self.record("single", pin: [[phased(0.2, 0.1, calls: 8)]]),
            Self.record("single", pin: [[phased(0.4, 0.3, calls: 8)]]),
            Self.record("single", pin: [[phased(0.6, 0.5, calls: 8)]]),
        ]
        let table = InKernelTable(records: records)
        let pin = table.rows.first { $0.phase == "pin" }!
        #expect(pin.gupSeconds == 0.4 && pin.mapSeconds == 0.3 && pin.mapCalls == 8)
        #expect(abs((pin.recordSeconds ?? 0) - 0.04) < 1e-12)
        let markdown = table.markdown()
        #expect(markdown.contains("gup/unpin") && markdown.contains("map/unmap") && markdown.contains("map calls"), "\(markdown)")
        #expect(markdown.contains("| single | pin | 0 | 0/0 | 10.0 µs | 700 ms | 700 ms | 400 ms | 40.0 ms | 300 ms | 8 | 4 | 1024 | 2 |"),
                "\(markdown)")
        // Records without phases (before uAPI 4) keep the table they had: no phase columns.
        let old = InKernelTable(records: [Self.record("single", pin: [[Self.worker(0.1, cpu: 0)]])]).markdown()
        #expect(!old.contains("gup/unpin") && !old.contains("map/unmap"), "\(old)")
        let csv = table.csvTable()!.csv()
        #expect(csv.contains("gup_s,records_s,map_s,map_calls"), "\(csv)")
    }

    @Test("records without in-kernel times make no table")
    func empty() {
        #expect(InKernelTable(records: [SummaryTableTests.record("single", pin: 0.1)]).markdown().isEmpty)
    }
}
