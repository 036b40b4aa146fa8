import Foundation
import Testing

/// `--vfio iommufd-file:<device>` on the command line: its form, the memory kinds it refuses
/// (before any device is opened, so on every machine), and, where there is no /dev/iommu, the
/// same advice as `iommufd:`.
@Suite("pinbench --vfio iommufd-file")
struct IOMMUFDFileMapCommandTests {
    @Test("run, sweep and hold refuse memory that is no file with one line naming the kinds that work, exit 2")
    func nonFileMemory() throws {
        let run = try PinbenchProcess.run(["run", "--backend", "vfio", "--vfio", "iommufd-file:vfio0", "--memory", "thp",
                                           "--size", "8M", "--strategy", "single", "--reps", "1"])
        #expect(run.status == 2, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("--vfio iommufd-file maps a file's range (IOMMU_IOAS_MAP_FILE) and thp memory is no file: "
            + "use --memory memfd, memfd-hugetlb-2m, memfd-hugetlb-1g, hugetlbfs-2m, hugetlbfs-1g, "
            + "or --vfio iommufd:<device> (IOMMU_IOAS_MAP) for thp"), "stderr: \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "stderr: \(run.stderr)")
        let hold = try PinbenchProcess.run(["hold", "--backend", "vfio", "--vfio", "iommufd-file:vfio0", "--memory", "anon",
                                            "--size", "8M", "--seconds", "1"])
        #expect(hold.status == 2 && hold.stderr.contains("anon memory is no file"), "stderr: \(hold.stderr)")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pinbench-file-map-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let sweep = try PinbenchProcess.run(["sweep", "--backends", "vfio", "--vfio", "iommufd-file:vfio0", "--memory", "anon",
                                             "--sizes", "8M", "--threads", "1", "--strategies", "single", "--reps", "1",
                                             "--dry-run", "--output", output])
        #expect(sweep.status == 2, "stdout: \(sweep.stdout) stderr: \(sweep.stderr)")
        #expect((sweep.stdout + sweep.stderr).contains("anon memory is no file"), "stdout: \(sweep.stdout) stderr: \(sweep.stderr)")
    }

    @Test("a bad device form is refused with every --vfio form", arguments: ["iommufd-file:0", "iommufd-file:", "iommufd-file"])
    func badForm(text: String) throws {
        let result = try PinbenchProcess.run(["run", "--backend", "vfio", "--vfio", text, "--memory", "memfd", "--size", "8M"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--vfio must be shim, type1:<group>, iommufd:<device>[,<device>...] or iommufd-file:<device>[,<device>...], not '\(text)'"),
                "stderr: \(result.stderr)")
    }

    @Test("on memfd without /dev/iommu: iommufd's own advice, exit 2; vfio-rules likewise",
          .enabled(if: access("/dev/iommu", F_OK) != 0, "this machine has /dev/iommu"))
    func noIOMMU() throws {
        let run = try PinbenchProcess.run(["run", "--backend", "vfio", "--vfio", "iommufd-file:vfio0", "--memory", "memfd",
                                           "--size", "8M", "--strategy", "single", "--reps", "1"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("no /dev/iommu"), "stderr: \(run.stderr)")
        let rules = try PinbenchProcess.run(["vfio-rules", "--vfio", "iommufd-file:vfio0", "--rule", "overlap"])
        #expect(rules.status == 2)
        #expect(rules.stderr.contains("cannot open iommufd-file:/dev/vfio/devices/vfio0"), "stderr: \(rules.stderr)")
    }

    @Test("run's help names the form and the ioctl")
    func help() throws {
        let result = try PinbenchProcess.run(["run", "--help"])
        let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("iommufd-file:<device>"))
        #expect(help.contains("IOMMU_IOAS_MAP_FILE"))
    }
}
