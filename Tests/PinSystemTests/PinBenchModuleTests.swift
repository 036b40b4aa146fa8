#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore
@testable import PinSystem
import Testing

@Suite("PinBench's module as userspace sees it, and the files regions keep for it")
struct PinBenchModuleTests {
    @Test("the uAPI this build speaks: version 4, 64 workers, up to 262144 pages per pin call")
    func uapi() {
        #expect(PinBenchModule.apiVersion == 4)
        #expect(PinBenchModule.maxWorkers == 64)
        #expect(PinBenchModule.maxBatch == 262_144)
    }

    @Test("a device that is not there says how to load the module; the module's clock becomes seconds")
    func missingDevice() {
        #expect { try PinBenchModule.File(path: "/nonexistent/pinbench") } throws: {
            "\($0)".contains("No such file") && "\($0)".contains("scripts/kmod.sh load")
        }
        #expect { try PinBenchModule.status(path: "/nonexistent/pinbench") } throws: { "\($0)".contains("not loaded") }
        var record = cpinsys_kmod_worker()
        record.start_ns = 1_500
        record.end_ns = 2_001_500
        record.gup_ns = 1_000_000
        record.record_ns = 250_000
        record.map_ns = 500_000
        record.map_calls = 3
        let call = PinBenchModule.File.call(cpinsys_kmod_call(total_ns: 3_000_000, pages: 512, folios: 1, run_bytes: 1024,
                                                              map_check: cpinsys_kmod_map_check()), [record])
        #expect(call.totalSeconds == 0.003 && call.pages == 512 && call.folios == 1)
        #expect(abs(call.workers[0].busySeconds - 0.002) < 1e-12)
        #expect(call.workers[0].gupSeconds == 0.001 && call.workers[0].recordSeconds == 0.00025)
        #expect(call.workers[0].mapSeconds == 0.0005 && call.workers[0].mapCalls == 3)
        // Nothing mapped: no check; a mapped call carries the module's check.
        #expect(call.mapCheck == nil)
        let mapped = PinBenchModule.File.call(
            cpinsys_kmod_call(total_ns: 1, pages: 512, folios: 1, run_bytes: 1024,
                              map_check: cpinsys_kmod_map_check(mapped_bytes: 2 << 20, segments: 1, checked: 2, wrong: 0)), [record])
        #expect(mapped.mapCheck == PinBenchModule.MapCheck(bytes: 2 << 20, segments: 1, checked: 2, wrong: 0))
    }

    @Test("the module's phase breakdown becomes seconds, field by field")
    func phases() {
        let raw = cpinsys_kmod_phases(ioctl_ns: 8_000, setup_ns: 1_000, work_ns: 5_000, gup_ns: 3_000, record_ns: 1_500,
                                      map_ns: 500, verify_ns: 1_000, finish_ns: 1_000)
        let phases = PinBenchModule.File.phases(raw)
        #expect(phases == PinBenchModule.Phases(ioctlSeconds: 8e-6, setupSeconds: 1e-6, workSeconds: 5e-6, gupSeconds: 3e-6,
                                                recordSeconds: 1.5e-6, mapSeconds: 5e-7, verifySeconds: 1e-6, finishSeconds: 1e-6))
    }

    @Test("shared kinds keep their file open for memfd_pin_folios; private kinds have none", arguments: [
        (MemoryKind.memfd, true), (.anon, false), (.thp, false),
    ])
    func fileDescriptor(kind: MemoryKind, shared: Bool) throws {
        let region = try Region.map(kind: kind, size: .mib(4))
        #expect((region.fileDescriptor != nil) == shared)
        if let fd = region.fileDescriptor {
            var info = stat()
            #expect(fstat(fd, &info) == 0 && info.st_size == 4 << 20)
        }
    }
}
