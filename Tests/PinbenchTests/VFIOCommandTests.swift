import Foundation
import Testing

@Suite("pinbench with the vfio backend, and doctor")
struct VFIOCommandTests {
    @Test("the shim runs every strategy verified and prints its bookkeeping under the timings")
    func shimRun() throws {
        let result = try PinbenchProcess.run([
            "run", "--backend", "vfio", "--strategy", "all", "--memory", "anon", "--size", "32M", "--threads", "2",
            "--prefault", "--reps", "1", "--warmup", "0", "--min-chunk", "4M", "--locked-vm", "cached:1024",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("vfio (shim, locked-vm cached:1024, container-lock type1)"))
        #expect(result.stdout.contains("| backend (median) | map calls |"))
        // single: one map call; user: one per thread; kernel: one call split into the plan's chunks.
        #expect(result.stdout.contains("| single | 1 | 1 |"), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("| user | 2 | 2 |"))
        #expect(result.stdout.contains("| kernel | 1 | 1 |"))
        #expect(result.stdout.contains("mapper: shim (io_uring fixed buffers"))
    }

    @Test("a real type1 or iommufd path that is not there fails with what to do, exit 2",
          .enabled(if: access("/dev/vfio/vfio", F_OK) != 0 && access("/dev/iommu", F_OK) != 0,
                   "this machine has a VFIO container or /dev/iommu"))
    func realPathsMissing() throws {
        let type1 = try PinbenchProcess.run(["run", "--backend", "vfio", "--vfio", "type1:7", "--size", "8M", "--strategy", "single"])
        #expect(type1.status == 2)
        #expect(type1.stderr.contains("open(/dev/vfio/vfio) failed"))
        #expect(type1.stderr.contains("or measure with --vfio shim"))
        let iommufd = try PinbenchProcess.run(["run", "--backend", "vfio", "--vfio", "iommufd:vfio0", "--size", "8M", "--strategy", "single"])
        #expect(iommufd.status == 2)
        #expect(iommufd.stderr.contains("no /dev/iommu"))
    }

    @Test("vfio options are refused where they do not apply")
    func misplacedOptions() throws {
        let noBackend = try PinbenchProcess.run(["run", "--container-lock", "iommufd", "--size", "8M"])
        #expect(noBackend.status != 0)
        #expect(noBackend.stderr.contains("need --backend vfio"))
        let realWithModel = try PinbenchProcess.run(["run", "--backend", "vfio", "--vfio", "type1:3", "--locked-vm", "shared"])
        #expect(realWithModel.status != 0)
        #expect(realWithModel.stderr.contains("model the shim"))
        let badCache = try PinbenchProcess.run(["run", "--backend", "vfio", "--locked-vm", "cached:0"])
        #expect(badCache.status != 0)
        #expect(badCache.stderr.contains("cached:<pages> (pages 1...17592186044416)"))
    }

    @Test("RLIMIT_MEMLOCK lowered in a child without CAP_IPC_LOCK: refused with the limit and the fix, exit 2")
    func memlockTooLow() throws {
        let wrapper = try PinbenchProcess.lowMemlockWrapper()
        let result = try PinbenchProcess.run(
            ["run", "--backend", "vfio", "--memory", "anon", "--size", "64M", "--strategy", "single", "--reps", "1"],
            wrapper: wrapper)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("exceeds RLIMIT_MEMLOCK (4M)"))
        #expect(result.stderr.contains("ulimit -l unlimited"))
    }

    @Test("doctor says which pin paths work here and how to fix the others")
    func doctor() throws {
        let result = try PinbenchProcess.run(["doctor"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("[ok] populate (MADV_POPULATE_WRITE)"))
        #expect(result.stdout.contains("[ok] vfio shim (io_uring fixed buffers): pinned a 64K range long-term"))
        if access("/dev/vfio/vfio", F_OK) != 0 {
            #expect(result.stdout.contains("[unavailable] vfio type1: no /dev/vfio/vfio"))
            #expect(result.stdout.contains("fix: modprobe vfio-pci"))
        }
        if access("/dev/iommu", F_OK) != 0 {
            #expect(result.stdout.contains("[unavailable] vfio iommufd: no /dev/iommu"))
        }
        if access("/dev/pinbench", F_OK) != 0 {
            #expect(result.stdout.contains("[unavailable] kmod (/dev/pinbench, PinBench's module): "))
            #expect(result.stdout.contains("scripts/kmod.sh load") || result.stdout.contains("scripts/lab.sh test kmod"))
        }
        #expect(result.stdout.contains("settings that change results:"))
        #expect(result.stdout.contains("RLIMIT_MEMLOCK"))
        #expect(result.stdout.contains("usable here:"))
    }
}
