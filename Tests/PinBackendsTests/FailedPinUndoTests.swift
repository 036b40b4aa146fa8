import PinBackends
import PinContract
import PinCore
import PinEngine
import PinSystem
import Testing

/// Nested in `BackendTests` so it is serialized with every other suite that moves the
/// process-wide `VmPin` and `VmLck` (the backends' verification reads them).
extension BackendTests {
    @Suite("A failed pin phase on each backend leaves the next repetition a clean start")
    struct FailedPinUndo {
        /// Every backend this machine can run, with the second slice of a 4-slice `user` job failing
        /// on the first repetition; the second repetition, on the same backend instance as a sweep
        /// cell's repetitions share it, must verify. Before the undo, vfio's mappings from the
        /// first repetition stayed in its IOVA table and the second failed with EEXIST.
        static let backends: [(BackendID, [(BackendOption, String)])] = [
            (.populate, []), (.mlock, []), (.touch, []), (.foliosim, []),
            (.vfio, []), (.vfio, [(.containerLock, "iommufd")]), (.vfio, [(.lockedVM, "cached:64")]),
        ]

        @Test("second slice failing, then a clean repetition, per backend", arguments: backends)
        func perBackend(id: BackendID, given: [(BackendOption, String)]) throws {
            var arguments = BackendArguments()
            for (option, value) in given { arguments.set(option, value) }
            let options = try Backends.catalog.options(for: id, arguments: arguments)
            let real = try options.makeBackend()
            let kind: MemoryKind = .anon
            let size = ByteSize.mib(8)
            let plan = try CutPlanner.plan(strategy: .user, size: size, memory: kind, threads: 4)
            let failing = FailingSliceBackend(real, failingOffset: plan.chunks[1].offset)

            let first = Job(plan: plan, backend: failing).run(on: try real.makeRegion(kind: kind, size: size))
            #expect(!first.verified)
            #expect(first.error?.contains("injected") == true, "\(first.error ?? "")")
            let undo = try #require(first.undo)
            #expect(undo.error == nil && (1...3).contains(undo.chunks), "\(undo)")  // the failing slice waits for one to pin
            #expect(first.unpinnedCheck.detail.contains("region clean"), "\(id) \(given): \(first.unpinnedCheck)")

            let second = Job(plan: plan, backend: failing.real).run(on: try real.makeRegion(kind: kind, size: size))
            #expect(second.verified, "\(id) \(given): \(second.error ?? "") \(second.pinnedCheck) \(second.unpinnedCheck)")
        }
    }
}
