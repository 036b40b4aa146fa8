import Foundation
import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import PinSystem

/// Fixed synthetic records the golden files are rendered from: one `run` with a C baseline and a
/// NUMA binding, one kmod `run` with the module's figures, a small sweep and two sets to compare.
enum GoldenFixtures {
    static let machineLine = "box: Linux 6.18.0, AMD EPYC 9654, 4 cores/8 threads, 2 NUMA nodes, 64.00 GiB RAM, "
        + "THP always/madvise, hugetlb 2M 0/0 free, 1G 0/0 free, memlock 8M"

    // MARK: - One run

    static func record(
        _ strategy: String, pin: Double, unpin: Double, implementation: String = "pinbench", backend: String = "populate",
        memory: String = "anon", workers: Int = 2, chunks: Int = 2, threadStart: Double = 0, pool: Double? = nil,
        verified: Bool = true, warmup: Bool = false, rep: Int = 0
    ) -> RunRecord {
        RunRecord(
            implementation: RunRecord.Implementation(rawValue: implementation)!, strategy: Strategy(rawValue: strategy)!, backend: BackendID(rawValue: backend), memory: MemoryKind(rawValue: memory)!, threads: 2,
            workers: strategy == "single" ? 1 : workers, sizeBytes: 1 << 30, pages: 262_144, rep: rep, warmup: warmup,
            prefault: false, pinSeconds: pin, unpinSeconds: unpin, threadStartSeconds: threadStart, poolStartSeconds: pool,
            chunks: strategy == "single" ? 1 : chunks, chunkBytes: nil, cutAlignBytes: 4096, cutsInsideFolio: 0,
            minChunkBytes: nil, maxThreads: nil, verified: verified,
            pinnedCheck: verified ? "ok: 262144/262144 base pages resident (mincore)" : "FAILED: 12/262144 base pages not resident",
            unpinnedCheck: "ok: no page mapped", error: nil, perThread: [])
    }

    /// A worker's placement as a run on a simulated 2x2 topology records it, bound to node 0.
    static func numa(workers: Int, scanned: Int) -> NUMARecord {
        let workerList = (0..<workers).map { "{\"index\":\($0),\"boundNode\":0,\"boundCPUs\":\"0-1\",\"cpu\":\($0),\"node\":0}" }
        let json = """
            {"topology":"simulated 2x2","placement":"0","placementApplied":"simulated: memory not bound on this machine",
             "bind":"local","bindApplied":"simulated: threads not bound on this machine",
             "workers":[\(workerList.joined(separator: ","))],"intendedNodes":[0],"shareOnIntended":1,"misplaced":false,
             "numaBalancing":"1","vmstat":{"numa_pte_updates":\(scanned),"numa_hint_faults":\(scanned / 8),"numa_pages_migrated":0}}
            """
        return try! JSONDecoder().decode(NUMARecord.self, from: Data(json.utf8))
    }

    /// populate on 1G of anon, 2 threads, with `--baseline` and `--node 0 --bind local --topology 2x2`:
    /// a warm-up per strategy, five measured runs, one of user's failing verification.
    static var runRecords: [RunRecord] {
        var records: [RunRecord] = []
        let pins: [(String, String, [Double], Double, Double?)] = [
            ("single", "pinbench", [0.301, 0.298, 0.305, 0.299, 0.302], 0, nil),
            ("user", "pinbench", [0.162, 0.158, 0.171, 0.160, 0.159], 8.2e-5, nil),
            ("kernel", "pinbench", [0.155, 0.157, 0.152, 0.161, 0.156], 0, 4.1e-4),
            ("single", "c-baseline", [0.297, 0.296, 0.300, 0.298, 0.301], 0, nil),
            ("user", "c-baseline", [0.157, 0.156, 0.160, 0.158, 0.155], 7.5e-5, nil),
        ]
        for (strategy, implementation, times, start, pool) in pins {
            records.append(record(strategy, pin: times[0] * 1.4, unpin: 0.08, implementation: implementation,
                                  threadStart: start, pool: pool, warmup: true))
            for (rep, pin) in times.enumerated() {
                var run = record(strategy, pin: pin, unpin: pin / 4.5, implementation: implementation, threadStart: start,
                                 pool: pool, rep: rep)
                if implementation == "pinbench" { run.numa = numa(workers: run.workers, scanned: 512 * (rep + 1)) }
                records.append(run)
            }
        }
        var failed = record("user", pin: 0.2, unpin: 0.04, threadStart: 9e-5, verified: false, rep: 5)
        failed.numa = numa(workers: 2, scanned: 0)
        records.append(failed)
        return records
    }

    static let runTitle = "pinbench run: populate on 1G of anon, threads 2, 5 reps + 1 warm-up, unpopulated, "
        + "--node 0 --bind local --topology 2x2"

    /// What an in-kernel backend reports when the kernel took `pin` and `unpin` seconds: one
    /// call per phase with one worker.
    static func inKernel(pin: Double, unpin: Double) -> BackendMetrics {
        func call(_ seconds: Double) -> InKernelTimes.Call {
            let worker = PinBenchModule.Worker(startSeconds: 0, endSeconds: seconds, chunks: 1, pages: 1, folios: 1, cpu: 0, node: 0)
            return InKernelTimes.Call(offset: 0, call: PinBenchModule.Call(totalSeconds: seconds, pages: 1, folios: 1, workers: [worker]))
        }
        return BackendMetrics(inKernel: InKernelTimes(pin: [call(pin)], unpin: [call(unpin)]))
    }

    /// The kmod figures of one run, set through the backends' own declarations (a renamed
    /// metric changes the golden files, which is the point); the two facts are the fixture's own,
    /// and a vfio metric rides along to show a bytes column in a kmod table.
    static func kmodMetrics(calls: Double, pin: Double, unpin: Double, folios: Double, pinnedUnderLock: Double,
                            inKernel: InKernelTimes) -> BackendMetrics {
        var metrics = BackendMetrics(inKernel: inKernel)
        metrics[KmodMetric.kernelCalls] = calls
        metrics[KmodMetric.inKernelPin] = pin
        metrics[KmodMetric.inKernelUnpin] = unpin
        metrics[KmodMetric.folios] = folios
        metrics[VFIOMetric.pinnedUnderContainerLock] = pinnedUnderLock
        metrics[BackendFact("gup")] = "pin_user_pages_remote, batch 512"
        metrics[BackendFact("unpin")] = "unpin_user_pages"
        return metrics
    }

    /// kmod on 1G of thp, 4 threads on a machine with fewer CPUs: the module's figures and its
    /// per-worker times (kernel's 4 workers in one call, user's 4 calls of one worker).
    static var kmodRecords: [RunRecord] {
        func worker(_ start: Double, _ busy: Double, cpu: Int, pages: Int) -> PinBenchModule.Worker {
            PinBenchModule.Worker(startSeconds: start, endSeconds: start + busy, chunks: pages / 65_536,
                                  pages: pages, folios: pages / 512, cpu: cpu, node: 0)
        }
        func call(_ offset: Int, _ workers: [PinBenchModule.Worker]) -> InKernelTimes.Call {
            InKernelTimes.Call(offset: offset, call: PinBenchModule.Call(
                totalSeconds: workers.map(\.endSeconds).max()!, pages: workers.reduce(0) { $0 + $1.pages },
                folios: workers.reduce(0) { $0 + $1.folios }, workers: workers))
        }
        var records: [RunRecord] = []
        for rep in 0..<3 {
            let jitter = 1 + Double(rep) * 0.01
            var single = record("single", pin: 0.0412 * jitter, unpin: 0.0123, backend: "kmod", memory: "thp", rep: rep)
            single.backendMetrics = kmodMetrics(calls: 1, pin: 0.0405 * jitter, unpin: 0.0118, folios: 512, pinnedUnderLock: Double(1 << 30),
                inKernel: InKernelTimes(pin: [call(0, [worker(2e-6, 0.0405 * jitter, cpu: 0, pages: 262_144)])],
                                        unpin: [call(0, [worker(1e-6, 0.0118, cpu: 0, pages: 262_144)])]))
            records.append(single)
            var user = record("user", pin: 0.0131 * jitter, unpin: 0.0041, backend: "kmod", memory: "thp", workers: 4,
                              chunks: 4, threadStart: 1.1e-4, rep: rep)
            user.backendMetrics = kmodMetrics(calls: 4, pin: 0.0112 * jitter, unpin: 0.0035, folios: 512, pinnedUnderLock: Double(1 << 28),
                inKernel: InKernelTimes(
                    pin: (0..<4).map { call($0 << 28, [worker(3e-6, 0.0108 * jitter + Double($0) * 1e-4, cpu: $0 % 2, pages: 65_536)]) },
                    unpin: (0..<4).map { call($0 << 28, [worker(1e-6, 0.0033, cpu: $0 % 2, pages: 65_536)]) }))
            user.oversubscribed = true
            records.append(user)
            var kernel = record("kernel", pin: 0.0119 * jitter, unpin: 0.0038, backend: "kmod", memory: "thp", workers: 4,
                                chunks: 16, rep: rep)
            kernel.backendMetrics = kmodMetrics(calls: 1, pin: 0.0117 * jitter, unpin: 0.0036, folios: 512.5, pinnedUnderLock: Double(1 << 30),
                inKernel: InKernelTimes(
                    pin: [call(0, (0..<4).map { worker(Double($0) * 2.5e-5, 0.0110 * jitter, cpu: $0 % 2, pages: 65_536) })],
                    unpin: [call(0, (0..<4).map { worker(Double($0) * 1e-5, 0.0034, cpu: $0 % 2, pages: 65_536) })]))
            kernel.oversubscribed = true
            records.append(kernel)
        }
        return records
    }

    static let kmodTitle = "pinbench run: kmod (gup remote, batch 512, unpin unpin_user_pages) on 1G of thp, "
        + "threads 4, 3 reps + 0 warm-up, unpopulated"

    // MARK: - A sweep

    static let sweepSpecification = SweepSpecification(
        backends: [.populate, .kmod], memory: [.anon, .hugetlb2m], sizes: [.gib(1)], threads: [2, 4], repetitions: 6,
        warmups: 1, seed: 42, commandLine: "pinbench sweep --backends populate,kmod --memory anon,hugetlb-2m --sizes 1G "
            + "--threads 2,4 --reps 6")

    /// populate/anon is clean but for user/4's wide interval and kernel/2's slow warm-up;
    /// kmod/anon has a failed kernel/4 run (so too few verified ones) and the module's times;
    /// both hugetlb-2m groups were skipped for want of pages.
    static var sweepRecords: [RunRecord] {
        var records: [RunRecord] = []
        func cell(_ backend: String, _ strategy: String, threads: Int, warmup: Double, pins: [Double],
                  failAt: Int? = nil) {
            let threads = strategy == "single" ? 1 : threads
            for round in 0...pins.count {
                let pin = round == 0 ? warmup : pins[round - 1]
                var record = SweepFixtures.record(strategy, threads: threads, pin: pin, unpin: pin / 5, backend: backend,
                                                  memory: "anon", verified: round != failAt, warmup: round == 0,
                                                  round: round)
                record.seed = 42
                if backend == "kmod" {
                    record.backendMetrics = inKernel(pin: pin * 0.97, unpin: pin / 5 * 0.9)
                }
                records.append(record)
            }
        }
        cell("populate", "single", threads: 1, warmup: 0.35, pins: [0.301, 0.298, 0.305, 0.299, 0.302, 0.300])
        cell("populate", "user", threads: 2, warmup: 0.17, pins: [0.162, 0.158, 0.171, 0.160, 0.159, 0.161])
        cell("populate", "user", threads: 4, warmup: 0.09, pins: [0.081, 0.095, 0.120, 0.088, 0.079, 0.101])
        cell("populate", "kernel", threads: 2, warmup: 0.41, pins: [0.155, 0.157, 0.152, 0.161, 0.156, 0.154])
        cell("populate", "kernel", threads: 4, warmup: 0.09, pins: [0.083, 0.082, 0.084, 0.081, 0.083, 0.085])
        cell("kmod", "single", threads: 1, warmup: 0.05, pins: [0.0412, 0.0409, 0.0415, 0.0411, 0.0410, 0.0413])
        cell("kmod", "user", threads: 2, warmup: 0.03, pins: [0.0231, 0.0229, 0.0233, 0.0230, 0.0232, 0.0228])
        cell("kmod", "user", threads: 4, warmup: 0.02, pins: [0.0131, 0.0133, 0.0129, 0.0132, 0.0130, 0.0134])
        cell("kmod", "kernel", threads: 2, warmup: 0.03, pins: [0.0219, 0.0221, 0.0218, 0.0220, 0.0222, 0.0217])
        cell("kmod", "kernel", threads: 4, warmup: 0.02, pins: [0.0119, 0.0121, 0.0118, 0.0120, 0.0122, 0.0117],
             failAt: 3)
        // A record written twice (two sweeps at once): counted once, and said so.
        records.append(records[3])
        return records
    }

    static var sweepSkipped: [SkippedCell] {
        ["populate", "kmod"].flatMap { backend in
            ["single/1", "user/2", "user/4", "kernel/2", "kernel/4"].map { cell in
                SkippedCell(cell: "\(backend)/hugetlb-2m/1G/\(cell)",
                            reason: "needs 512 free 2M hugetlb pages, 0 are free;\n  run with --reserve-hugepages")
            }
        }
    }

    /// A result set of the sweep in a fresh folder named `golden-set` under `parent`.
    static func sweepSet(at parent: String) throws -> ResultSet {
        let set = try SweepFixtures.resultSet(sweepRecords, at: parent, name: "golden-set")
        try set.writeJSON(sweepSpecification, to: ResultSet.specificationFile)
        let skipped = try set.appender(for: ResultSet.skippedFile)
        for skip in sweepSkipped { try skipped.append(encoding: skip) }
        return set
    }

    // MARK: - Two sets to compare

    static let comparisonBase = SweepSummary(records:
        SweepFixtures.cell("single", pins: [0.301, 0.298, 0.305, 0.299, 0.302, 0.300], memory: "anon")
        + SweepFixtures.cell("user", threads: 2, pins: [0.162, 0.158, 0.171, 0.160, 0.159, 0.161], memory: "anon")
        + SweepFixtures.cell("kernel", threads: 2, pins: [0.155, 0.157, 0.152, 0.161, 0.156, 0.154], memory: "anon")
        + SweepFixtures.cell("kernel", threads: 4, pins: [0.083, 0.082, 0.084], memory: "anon")
        + SweepFixtures.cell("single", pins: [0.733, 0.191, 1.6, 0.7, 0.75, 0.72])
        + SweepFixtures.cell("user", threads: 2, pins: [0.107, 0.0979, 0.661, 0.11, 0.105, 0.108]))
    static let comparisonNew = SweepSummary(records:
        SweepFixtures.cell("single", pins: [0.300, 0.297, 0.304, 0.301, 0.299, 0.302], memory: "anon")  // same
        + SweepFixtures.cell("user", threads: 2, pins: [0.101, 0.099, 0.103, 0.100, 0.102, 0.098], memory: "anon")  // faster
        + SweepFixtures.cell("kernel", threads: 2, pins: [0.201, 0.199, 0.205, 0.198, 0.202, 0.200], memory: "anon")  // slower
        + SweepFixtures.cell("user", threads: 8, pins: [0.05, 0.05, 0.05, 0.05, 0.05, 0.05], memory: "anon")
        + SweepFixtures.cell("single", pins: [0.74, 0.2, 1.5, 0.71, 0.73, 0.72])
        + SweepFixtures.cell("user", threads: 2, pins: [0.101, 0.099, 0.4]))  // too few runs: unknown

    /// The machines of the two sets: the same box, the new set on a patched kernel.
    static var comparisonBaseMachine: MachineRecord { machine(kernel: "6.18.0") }
    static var comparisonNewMachine: MachineRecord { machine(kernel: "6.19.0-rc2-pinbatch") }

    /// This machine's record with the fields the comparison's header reads fixed.
    static func machine(kernel: String, host: String = "box", emulation: String? = nil) -> MachineRecord {
        var machine = MachineRecord.current(version: "0.1.0", gitCommit: nil)
        machine.hostname = host
        machine.kernelRelease = kernel
        machine.cpuModel = "AMD EPYC 9654"
        machine.emulation = emulation
        return machine
    }

    static let comparisonBaseName = "results/box-2026-11-20 (\(machineLine))"
    static let comparisonNewName = "results/box-2026-11-21-patched ("
        + machineLine.replacingOccurrences(of: "Linux 6.18.0", with: "Linux 6.19.0-rc2-pinbatch") + ")"
}
