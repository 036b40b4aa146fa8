#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore
@testable import PinSystem
import Testing

@Suite("PinBench's module as userspace sees it, and the files regions keep for it")
struct PinBenchModuleTests {
    @Test("the uAPI this build speaks: version 3, 64 workers")
    func uapi() {
        #expect(PinBenchModule.apiVersion == 3)
        #expect(PinBenchModule.maxWorkers == 64)
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
        let call = PinBenchModule.File.call(cpinsys_kmod_call(total_ns: 3_000_000, pages: 512, folios: 1, run_bytes: 1024), [record])
        #expect(call.totalSeconds == 0.003 && call.pages == 512 && call.folios == 1)
        #expect(abs(call.workers[0].busySeconds - 0.002) < 1e-12)
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
