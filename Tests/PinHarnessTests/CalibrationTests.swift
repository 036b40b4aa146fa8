import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import Testing

@Suite("Calibration: foliosim against real pins")
struct CalibrationTests {
    @Test("the reference is foliosim per-page, then folio, the shim, populate and the module (in-kernel time), all single-threaded")
    func methods() {
        let methods = Calibration(size: .mib(64)).methods(for: .thp)
        #expect(methods.map(\.name).first == Calibration.reference)
        #expect(methods.map(\.configuration.backend) == [.foliosim, .foliosim, .vfio, .populate, .kmod])
        #expect(methods.map(\.inKernel) == [false, false, false, false, true])
        #expect((methods[0].configuration.backendOptions as? FolioSimOptions)?.pin == .perPage)
        #expect((methods[1].configuration.backendOptions as? FolioSimOptions)?.pin == .folio)
        #expect(methods.map(\.configuration.prefault) == [false, false, true, true, true])
        #expect(methods.allSatisfy { $0.configuration.strategies == [.single] && $0.configuration.threads == 1 })
        #expect(methods.allSatisfy { $0.configuration.memory == .thp && $0.configuration.size == .mib(64) })
    }

    @Test("small multiples keep three significant digits", arguments: [
        (0.0301, "0.0301x"), (0.5, "0.500x"), (0.000160, "0.000160x"), (1.0, "1.00x"), (10.08, "10.08x"),
    ])
    func ratios(value: Double, text: String) {
        #expect(Calibration.formatRatio(value) == text)
    }

    @Test("the table shows a refused method with its reason and no figures")
    func markdown() {
        let rows = [
            Calibration.Row(memory: .anon, method: Calibration.reference, secondsPerPage: 6.3e-9, ratio: 1,
                            runs: 7, verified: 7, refusal: nil),
            Calibration.Row(memory: .anon, method: "MADV_POPULATE_WRITE, prefaulted", secondsPerPage: nil, ratio: nil,
                            runs: 0, verified: 0, refusal: "no pool"),
            Calibration.Row(memory: .hugetlb1g, method: "MADV_POPULATE_WRITE, prefaulted", secondsPerPage: nil, ratio: nil,
                            runs: 0, verified: 0, refusal: "an empty pool. Reserve them with:\n    echo 1 > nr_hugepages"),
        ]
        let table = Calibration.markdown(rows)
        #expect(table.contains("| anon | foliosim per-page | 6.30 ns | 1.00x | 7/7 verified |"))
        #expect(table.contains("| anon | MADV_POPULATE_WRITE, prefaulted | - | - | not run: no pool |"))
        // A refusal with the reserve command on its own line stays one table row.
        #expect(table.contains("| hugetlb-1g | MADV_POPULATE_WRITE, prefaulted | - | - | not run: an empty pool. Reserve them with: echo 1 > nr_hugepages |"))
        #expect(table.split(separator: "\n").count == 5)
    }
}
