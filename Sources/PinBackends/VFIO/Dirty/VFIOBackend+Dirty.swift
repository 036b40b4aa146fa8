import CPinSys
import PinContract
import PinCore
import PinSystem

extension VFIOBackend {
    /// The mapper and tracker `--dirty-tracking` needs, or the refusal (exit 2) of a machine that
    /// cannot track: type1 with no migration capability, an IOMMU without dirty bits, a kernel
    /// without the mock domain.
    static func dirtyTrackingMapper(options: VFIOOptions) throws(SystemError) -> (any DMAMapper, any DirtyTracker) {
        switch (options.dirtyTracking, options.path) {
        case (.type1?, .type1(let group)):
            let mapper = try Type1DMAMapper(group: group)
            return (mapper, try mapper.makeDirtyTracker())
        case (.iommufd?, .iommufd(let devices)):
            let mapper = try IOMMUFDDMAMapper(devices: devices, domains: options.domains,
                                              hwptFlags: UInt32(CPINSYS_IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
            return (mapper, try mapper.makeDirtyTracker())
        case (.iommufdMock?, .shim):
            let mapper = try MockDomainDMAMapper()
            return (mapper, mapper.makeDirtyTracker())
        default:
            // VFIOOptions refuses every other pairing when it parses.
            throw SystemError("--dirty-tracking \(options.dirtyTracking.map(\.rawValue) ?? "-") with --vfio \(options.path)",
                              errno: 22, hint: VFIOOptions.dirtyTrackingForms)
        }
    }

    /// The mock domain maps only inside its aperture.
    func checkDirtyTrackingCapacity(size: ByteSize) throws(SystemError) {
        guard mapper is MockDomainDMAMapper, size.bytes > MockDomainDMAMapper.apertureBytes else { return }
        throw SystemError("--dirty-tracking iommufd-mock of \(size)", errno: 34 /* ERANGE */,
                          hint: "the mock domain's aperture holds \(ByteSize(MockDomainDMAMapper.apertureBytes)) (16M up to 2G): use a smaller --size")
    }

    /// One tracker pass over the mapped region, kept for the run's metrics; nil without a tracker.
    func trackDirty(_ region: Region) -> Verification? {
        guard let dirtyTracker else { return nil }
        let outcome = dirtyTracker.pass(over: region, iova: iova(0))
        lastDirtyPass.withLock { $0 = outcome }
        var verification = outcome.verification
        verification.detail = "dirty tracking (\(options.dirtyTracking?.isMock == true ? "MOCK domain" : dirtyTracker.trackerName)): "
            + verification.detail
        return verification
    }

    /// Each step's seconds, the bitmap's bytes, this machine's copy bandwidth and the tracker's
    /// facts, from the pass of the run that just ended.
    func addDirtyMetrics(to metrics: inout BackendMetrics) {
        guard let dirtyTracker, let outcome = lastDirtyPass.withLock({ current -> DirtyTrackingOutcome? in
            defer { current = nil }
            return current
        }) else { return }
        for (step, seconds) in outcome.seconds { metrics[step.metric] = seconds }
        metrics[DirtyMetric.bitmapBytes] = Double(outcome.bitmapBytes)
        metrics[DirtyMetric.copyBandwidth] = CopyBandwidth.measured
        metrics[DirtyMetric.tracker] = (options.dirtyTracking?.isMock == true ? "MOCK: " : "") + dirtyTracker.trackerName
        for (fact, text) in outcome.notes { metrics[fact] = text }
    }
}
