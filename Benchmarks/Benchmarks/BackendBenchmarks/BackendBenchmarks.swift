import Benchmark
import BenchmarkSupport
import PinBackends
import PinContract
import PinCore
import PinSystem

// MARK: - Each backend on 64 MiB

/// One backend call over a whole fresh 64 MiB region, the pin and the unpin timed apart: the
/// wall clock is that call alone (mapping, verification and the other phase are outside the
/// measurement), with the call's MiB/s and pages/s beside it. Every iteration verifies the
/// region after both phases with the backend's own checks, as a `pinbench run` does.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .mibPerSecond, .pagesPerSecond],
        // MiB/s in full: auto-scaled to thousands it would print 3 for 3,084.
        units: [.mibPerSecond: .count],
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 100)

    let size = ByteSize.mib(64)
    let cases: [BackendCase] = [
        BackendCase(name: "populate-anon", memory: .anon) { PopulateBackend(advice: .write) },
        BackendCase(name: "populate-thp", memory: .thp) { PopulateBackend(advice: .write) },
        BackendCase(name: "mlock-anon", memory: .anon) { MlockBackend() },
        BackendCase(name: "vfio-shim-anon", memory: .anon) { try VFIOBackend(options: VFIOOptions(path: .shim)) },
        BackendCase(name: "foliosim-per-page-thp", memory: .thp) {
            FolioSimBackend(options: FolioSimOptions(pin: .perPage, unpin: .perPage))
        },
        BackendCase(name: "foliosim-folio-thp", memory: .thp) {
            FolioSimBackend(options: FolioSimOptions(pin: .folio, unpin: .folio))
        },
    ]
    for backendCase in cases {
        for phase in BackendCase.Phase.allCases {
            Benchmark("\(backendCase.name)-64MiB-\(phase)") { benchmark in
                try backendCase.measure(phase, size: size, benchmark: benchmark)
            }
        }
    }
}

/// A backend on one memory kind, measured one phase at a time.
struct BackendCase: Sendable {
    enum Phase: String, CaseIterable, CustomStringConvertible {
        case pin, unpin
        var description: String { rawValue }
    }

    let name: String
    let memory: MemoryKind
    let make: @Sendable () throws -> any PinBackend

    init(name: String, memory: MemoryKind, make: @escaping @Sendable () throws -> any PinBackend) {
        self.name = name
        self.memory = memory
        self.make = make
    }

    /// Maps a fresh region, runs both phases with `phase` inside the measurement, and checks both.
    func measure(_ phase: Phase, size: ByteSize, benchmark: Benchmark) throws {
        let backend = try make()
        let region = backend.regionBacking == .memory
            ? try Region.map(kind: memory, size: size)
            : try Region.reserve(kind: memory, size: size, alignment: FolioSimBackend.rangeAlignment)
        try backend.prepare(region)
        defer {
            _ = backend.takeRunMetrics()
            backend.finish(region)
        }
        let whole = Chunk(offset: 0, length: size.bytes)
        let baseline = try ProcStatus.current()

        let pinSeconds = try timed(measured: phase == .pin, benchmark) { () throws(SystemError) in try backend.pin(region, whole) }
        let pinned = backend.verifyPinned(region, baseline: baseline)
        guard pinned.passed else { throw BenchmarkFailure("\(name) pin: \(pinned)") }

        let unpinSeconds = try timed(measured: phase == .unpin, benchmark) { () throws(SystemError) in try backend.unpin(region, whole) }
        let unpinned = backend.verifyUnpinned(region, baseline: baseline)
        guard unpinned.passed else { throw BenchmarkFailure("\(name) unpin: \(unpinned)") }

        benchmark.recordThroughput(bytes: size.bytes, pageSize: memory.pageSize.bytes,
                                   seconds: phase == .pin ? pinSeconds : unpinSeconds)
    }

    /// Runs `call`, inside the benchmark's measurement when `measured`; returns its seconds.
    private func timed(measured: Bool, _ benchmark: Benchmark, _ call: () throws(SystemError) -> Void) throws(SystemError) -> Double {
        if measured { benchmark.startMeasurement() }
        let start = MonotonicClock.now()
        defer { if measured { benchmark.stopMeasurement() } }
        try call()
        return MonotonicClock.seconds(from: start, to: MonotonicClock.now())
    }
}
