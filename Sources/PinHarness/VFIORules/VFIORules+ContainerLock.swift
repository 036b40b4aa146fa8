#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem
import Synchronization

/// Whether a container lets two map calls pin at the same time.
public enum ContainerLockBehaviour: String, Sendable, Codable {
    /// A map call waits for any other in flight (type1's `iommu->lock`).
    case serializes
    /// Map calls pin side by side (iommufd pins under a read lock).
    case concurrent
    /// Some trials overlapped and some did not: nothing can be said.
    case mixed

    /// What a mapper's lock model claims.
    public init(model: VFIOOptions.ContainerLock) {
        self = model == .type1 ? .serializes : .concurrent
    }
}

// MARK: - The container-lock probe

extension VFIORules {
    /// Bytes of the long map call the probe's small one is made during.
    static let probeLongBytes = 64 << 20
    static let probeTrials = 3

    /// Times a long map alone, then, in each trial, starts a one-page map from a second thread
    /// a quarter of the way into the long one and records what share of the rest of the long
    /// call the small one spent waiting. If the container serializes map calls the small one
    /// waits for all of it (share about 1); if not, it returns at once (share near 0). The
    /// share is the answer, not how long either call took, so it holds under TCG, whose
    /// emulation slows both, and on a busy machine that delays a thread after an unlock. The
    /// long region is emptied (`MADV_DONTNEED`) before each long call, so each one faults its
    /// pages in: tens of milliseconds for 64M even on fast machines, which leaves the helper
    /// time to start.
    static func probeContainerLock(on mapper: any DMAMapper) -> Outcome {
        let page = PageSize.base.bytes
        let longIOVA = iova, smallIOVA = iova + UInt64(probeLongBytes) + UInt64(1 << 30)
        let long: Region, small: Region
        do {
            long = try Region.map(kind: ruleMemory(for: mapper), size: ByteSize(probeLongBytes))
            small = try Region.map(kind: ruleMemory(for: mapper), size: ByteSize(page))
            try PopulateBackend(advice: .write).pin(small, Chunk(offset: 0, length: page))
        } catch {
            return .failed(.containerLock, on: mapper, "could not set up the regions: \(error)")
        }
        do throws(SystemError) {
            let longAlone = try timed { () throws(SystemError) in try mapper.map(long, offset: 0, length: probeLongBytes, iova: longIOVA) }
            try mapper.unmap(iova: longIOVA, length: probeLongBytes)
            let smallAlone = try timed { () throws(SystemError) in try mapper.map(small, offset: 0, length: page, iova: smallIOVA) }
            try mapper.unmap(iova: smallIOVA, length: page)

            // One uncounted trial first, as a run's warm-up: the shim keeps the ring each call
            // made, so later calls do not create (and mmap) one while the other call pins.
            _ = try probeTrial(mapper, long: long, small: small, longIOVA: longIOVA, smallIOVA: smallIOVA, delay: longAlone / 4)
            var attempts = 0
            var counted: [(waitedShare: Double, smallSeconds: Double)] = []
            // Only a trial whose small call started while the long one was in flight counts;
            // one that a busy machine started too early or too late is tried again.
            while counted.count < probeTrials, attempts < probeTrials * 4 {
                attempts += 1
                let trial = try probeTrial(mapper, long: long, small: small, longIOVA: longIOVA, smallIOVA: smallIOVA,
                                           delay: longAlone / 4)
                if trial.startedInside { counted.append((trial.waitedShare, trial.smallSeconds)) }
            }
            guard counted.count == probeTrials,
                  let share = Statistics(counted.map(\.waitedShare))?.median,
                  let smallDuring = Statistics(counted.map(\.smallSeconds))?.median
            else {
                return .failed(.containerLock, on: mapper, "in \(attempts) trials only \(counted.count) small maps started "
                    + "inside the long one (a machine too busy to schedule the helper in time)")
            }
            let overlapped = counted.filter { $0.waitedShare < 0.5 }.count
            var outcome = Outcome(
                rule: .containerLock, mapper: mapper.name, errno: nil,
                detail: "\(overlapped) of \(probeTrials) small maps started during the long one did not wait for it "
                    + "(median wait \(Int((share * 100).rounded()))% of the long call's rest)"
                    + (attempts > probeTrials ? " in \(attempts) trials" : "") + "; "
                    + "long map alone \(DurationFormat.seconds(longAlone)), small alone \(DurationFormat.seconds(smallAlone)), "
                    + "small during the long one \(DurationFormat.seconds(smallDuring)) (median)")
            outcome.behaviour = overlapped == probeTrials ? .concurrent : overlapped == 0 ? .serializes : .mixed
            return outcome
        } catch {
            try? mapper.unmap(iova: longIOVA, length: probeLongBytes)
            try? mapper.unmap(iova: smallIOVA, length: page)
            return .failed(.containerLock, on: mapper, "a probe map failed: \(error)")
        }
    }

    /// One trial: the long map on this thread, the small one on a helper that starts it
    /// `delay` seconds after this thread announced it is about to call. Unmaps both. Returns
    /// whether the small call started while the long one was in flight, and if so its duration
    /// over the time from its start to the long call's end.
    static func probeTrial(_ mapper: any DMAMapper, long: Region, small: Region, longIOVA: UInt64, smallIOVA: UInt64,
                           delay: Double) throws(SystemError) -> (startedInside: Bool, waitedShare: Double, smallSeconds: Double) {
        let page = PageSize.base.bytes
        // Only a fresh start for the next trial: a file's pages stay in it unless punched out.
        if long.kind.isShared {
            try? Syscall.madvise(long.base, probeLongBytes, MADV_REMOVE, "madvise(MADV_REMOVE)")
        } else {
            try? Syscall.madvise(long.base, probeLongBytes, MADV_DONTNEED, "madvise(MADV_DONTNEED)")
        }
        let go = ThreadEvent()
        // (start and end of the small call, its error) from the helper.
        let helperResult = Mutex<(UInt64, UInt64, SystemError?)>((0, 0, nil))
        let helper = try BoundThread.spawn {
            go.wait()
            usleep(UInt32(max(delay * 1e6, 1)))
            let start = MonotonicClock.now()
            var failure: SystemError?
            do throws(SystemError) { try mapper.map(small, offset: 0, length: page, iova: smallIOVA) } catch { failure = error }
            let end = MonotonicClock.now()
            helperResult.withLock { $0 = (start, end, failure) }
        }
        go.signal()
        let longStart = MonotonicClock.now()
        var longFailure: SystemError?
        do throws(SystemError) { try mapper.map(long, offset: 0, length: probeLongBytes, iova: longIOVA) } catch { longFailure = error }
        let longEnd = MonotonicClock.now()
        helper.join()
        let (smallStart, smallEnd, smallFailure) = helperResult.withLock { $0 }
        if smallFailure == nil { try? mapper.unmap(iova: smallIOVA, length: page) }
        if longFailure == nil { try? mapper.unmap(iova: longIOVA, length: probeLongBytes) }
        if let failure = longFailure ?? smallFailure { throw failure }
        let inside = smallStart > longStart && smallStart < longEnd
        let small = MonotonicClock.seconds(from: smallStart, to: smallEnd)
        return (inside, inside ? small / MonotonicClock.seconds(from: smallStart, to: longEnd) : 0, small)
    }

    static func timed(_ body: () throws(SystemError) -> Void) throws(SystemError) -> Double {
        let start = MonotonicClock.now()
        try body()
        return MonotonicClock.seconds(from: start, to: MonotonicClock.now())
    }
}
