import Foundation
import PinBackends
import PinContract
import PinSystem
import Testing

@Suite("kmod's run-array metric: what the module allocated to hold a run's pins")
struct KmodRunArrayMetricTests {
    static func call(pages: Int, runBytes: Int?) -> PinBenchModule.Call {
        PinBenchModule.Call(totalSeconds: 0.001, pages: pages, folios: pages / 512, workers: [], runBytes: runBytes)
    }

    @Test("declared in bytes among kmod's metrics, under the name records carry")
    func declaration() {
        #expect(KmodMetric.runArrayBytes.name == "runArrayBytes" && KmodMetric.runArrayBytes.unit == .bytes)
        #expect(KmodOptions.metrics.contains(KmodMetric.runArrayBytes))
    }

    @Test("every pin call's arrays add up (all are held at once); unpin calls and old modules say nothing")
    func sums() {
        let times = InKernelTimes(
            pin: [.init(offset: 0, call: Self.call(pages: 262_144, runBytes: 8192)),
                  .init(offset: 1 << 30, call: Self.call(pages: 262_144, runBytes: 16384))],
            unpin: [.init(offset: 0, call: Self.call(pages: 524_288, runBytes: nil))])
        #expect(times.pinRunBytes == 24576)
        #expect(InKernelTimes(pin: [.init(offset: 0, call: Self.call(pages: 512, runBytes: nil))], unpin: []).pinRunBytes == nil)
    }

    @Test("a call recorded before uAPI 3 (no runBytes) still decodes, and a new one keeps it")
    func decoding() throws {
        let old = #"{"totalSeconds":0.5,"pages":512,"folios":1,"workers":[]}"#
        let call = try JSONDecoder().decode(PinBenchModule.Call.self, from: Data(old.utf8))
        #expect(call.runBytes == nil && call.pages == 512)
        let new = Self.call(pages: 512, runBytes: 1024)
        #expect(try JSONDecoder().decode(PinBenchModule.Call.self, from: JSONEncoder().encode(new)) == new)
    }
}
