import PinBackends
import PinContract
import PinCore
import PinHarness
import Testing

@Suite("Experiments on real memory")
struct ExperimentTests {
    @Test("all strategies and their C twins run interleaved, fresh region each, all verified")
    func interleaved() throws {
        let configuration = RunConfiguration(
            threads: 2, size: .mib(16), memory: .anon,
            kernel: KernelPlanParameters(align: .base, minChunk: .mib(2), maxThreads: 2),
            repetitions: 2, warmups: 1, baseline: true)
        let experiment = try Experiment(configuration)
        var finished = 0
        let records = try experiment.run { event in
            if case .finished = event { finished += 1 }
        }
        #expect(records.count == 15 && finished == 15)  // 3 rounds x (single, C single, user, C user, kernel)
        #expect(records.prefix(5).map(\.variant.description) == ["single", "C single", "user", "C user", "kernel"])
        #expect(records.dropFirst(5).prefix(5).map(\.variant.description) == ["C single", "single", "C user", "user", "kernel"])
        #expect(records.prefix(5).allSatisfy { $0.warmup })
        #expect(records.allSatisfy { $0.verified }, "\(records.filter { !$0.verified }.map(\.pinnedCheck))")
        let kernel = try #require(records.last)
        #expect(kernel.workers == 2 && kernel.chunks == 8 && kernel.poolStartSeconds != nil)
    }

    @Test("bad input and impossible sizes are refused before any memory is used")
    func preflight() throws {
        #expect(throws: HarnessError.self) {
            try Experiment(RunConfiguration(threads: 0, size: .gib(1)))
        }
        do {
            _ = try Experiment(RunConfiguration(threads: 1, size: .mib(3), memory: .hugetlb2m))
            Issue.record("3M of hugetlb-2m should be refused")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.description.contains("not a multiple"))
        }
        do {
            _ = try Experiment(RunConfiguration(threads: 1, size: .tib(64), memory: .anon))
            Issue.record("64T should be refused")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.description.contains("more than this machine can give"))
        }
    }
}
