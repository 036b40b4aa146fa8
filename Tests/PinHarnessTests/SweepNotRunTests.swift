import Foundation
import PinContract
import PinCore
@testable import PinHarness
import PinTestBackend
import Testing

/// A repetition the machine could not run (here the backend's untimed prepare fails, as an
/// mmap or mbind would) is no result: it is not written, does not count as failed
/// verification, and a resume runs it.
@Suite("A repetition that could not run is not a result")
struct SweepNotRunTests {
    init() { _ = RegisteredBackendTests.registered }

    @Test("not recorded, not failed, run again by a resume")
    func notRecordedThenResumed() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let trigger = "\(folder)/machine-fails"
        FileManager.default.createFile(atPath: trigger, contents: Data())
        let set = try ResultSet.create(at: "\(folder)/set")
        let specification = SweepSpecification(
            backends: [.probe], memory: [.anon], sizes: [.mib(2)], threads: [1], strategies: [.single],
            repetitions: 2, warmups: 0, seed: 5, backendOptions: [ProbeOptions(failsPrepareWhileExists: trigger)],
            hostWarm: .off, commandLine: "pinbench sweep (test)")
        var events: [Sweep.Event] = []
        let first = try Sweep(specification, resultSet: set).run(stopWhen: { false }, onEvent: { events.append($0) })
        #expect(first.notRun == 2 && first.recorded == 0 && first.failed == 0 && !first.complete)
        #expect(try set.readRecords().isEmpty)
        let reasons = events.compactMap { event -> String? in
            if case .notRun(_, _, let reason) = event { return reason } else { return nil }
        }
        #expect(reasons.count == 2 && reasons.allSatisfy { $0.contains("prepare") }, "\(reasons)")

        try FileManager.default.removeItem(atPath: trigger)
        let resumed = try Sweep(specification, resultSet: set).run(stopWhen: { false }, onEvent: { _ in })
        #expect(resumed.recorded == 2 && resumed.notRun == 0 && resumed.complete)
        #expect(try set.readRecords().allSatisfy(\.verified))
    }
}
