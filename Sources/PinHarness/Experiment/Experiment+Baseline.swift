import CPinBaseline
import PinContract
import PinCore
import PinSystem

// MARK: - The plain C loop of the same syscalls

extension Experiment {
    /// The C twin of `single` or `user`: same region, same slices, same system calls, no
    /// PinBench machinery. Verified with the backend's own checks between the phases.
    func runBaseline(plan: CutPlan, region: Region, rep: Int, warmup: Bool, hostWarmSeconds: Double? = nil) -> RunRecord {
        guard let op = configuration.backendOptions.cTwin else {
            preconditionFailure("no C twin for \(configuration.backend); Experiment.init refuses --baseline for it")
        }
        final class Checks {
            let backend: any PinBackend
            let region: Region
            let baseline: ProcStatus
            var pinned = Verification.failed("not run")
            init(backend: any PinBackend, region: Region, baseline: ProcStatus) {
                self.backend = backend
                self.region = region
                self.baseline = baseline
            }
        }
        let baselineStatus = (try? ProcStatus.current()) ?? ProcStatus(residentBytes: 0, lockedBytes: 0, pinnedBytes: 0)
        let checks = Checks(backend: backend, region: region, baseline: baselineStatus)
        var result = cpinbaseline_result()
        let threads = plan.strategy == .single ? 0 : Int32(plan.workers)
        withExtendedLifetime(checks) {
            _ = cpinbaseline_run(
                region.base, region.size.bytes, plan.alignment.bytes, threads, op, region.kind.pageSize.bytes,
                { raw in
                    let checks = Unmanaged<Checks>.fromOpaque(raw!).takeUnretainedValue()
                    checks.pinned = checks.backend.verifyPinned(checks.region, baseline: checks.baseline)
                },
                Unmanaged.passUnretained(checks).toOpaque(), &result)
        }
        let error = result.error == 0 ? nil : SystemError("C baseline", errno: result.error).description
        let unpinned = error == nil ? backend.verifyUnpinned(region, baseline: baselineStatus) : .failed("a phase failed")
        var record = RunRecord(implementation: .cBaseline, plan: plan, configuration: configuration, rep: rep,
                               warmup: warmup)
        record.pinSeconds = result.pin_seconds
        record.unpinSeconds = result.unpin_seconds
        record.threadStartSeconds = result.thread_start_seconds
        record.verified = error == nil && checks.pinned.passed && unpinned.passed
        record.pinnedCheck = checks.pinned.description
        record.unpinnedCheck = unpinned.description
        record.error = error
        record.hostWarmSeconds = hostWarmSeconds
        return record
    }
}
