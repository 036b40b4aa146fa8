import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import PinTestBackend
import Testing

/// A sweep makes one backend per backend and gives it to every cell: a real VFIO group or
/// iommufd device opens for one container at a time, so a backend per cell left every real
/// type1 cell after the first skipped as "busy" (found in the lab's 6.12-against-7.2 sweep).
@Suite("A sweep's cells share one backend per backend")
struct SweepBackendSharingTests {
    init() { _ = RegisteredBackendTests.registered }

    @Test("every runnable cell of a backend holds the same backend object, across kinds, strategies and threads")
    func shared() throws {
        let specification = SweepSpecification(
            backends: [.probe, .populate], memory: [.anon, .thp], sizes: [.mib(4), .mib(8)], threads: [1, 2],
            strategies: [.single, .user], repetitions: 1, warmups: 0, seed: 3, hostWarm: .off,
            commandLine: "pinbench sweep (test)")
        let (runnable, skipped) = specification.experiments(for: specification.cells)
        #expect(skipped.isEmpty, "\(skipped.map(\.reason))")
        let probes = runnable.filter { $0.key.group.backend == .probe }.values.map { $0.backend as? AnyObject }
        #expect(probes.count == specification.cells.filter { $0.group.backend == .probe }.count && probes.count > 1)
        let first = try #require(probes.first ?? nil)
        #expect(probes.allSatisfy { $0 === first })
    }
}
