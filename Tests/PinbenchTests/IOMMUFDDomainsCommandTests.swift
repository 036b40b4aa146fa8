import Foundation
import Testing

/// `--vfio iommufd:<device>,<device>` and `--iommufd-domains` on the command line: each
/// refusal exits 2 with its fix, before any device is opened.
@Suite("pinbench: iommufd device lists and --iommufd-domains")
struct IOMMUFDDomainsCommandTests {
    static func run(_ arguments: [String]) throws -> PinbenchProcess {
        try PinbenchProcess.run(["run", "--size", "8M", "--strategy", "single", "--reps", "1", "--warmup", "0"] + arguments)
    }

    @Test("refusals: a device twice, a type1 list, the mode without iommufd or without vfio, an unknown mode")
    func refusals() throws {
        let cases: [([String], String)] = [
            (["--backend", "vfio", "--vfio", "iommufd:vfio2,vfio2"], "lists /dev/vfio/devices/vfio2 twice"),
            (["--backend", "vfio", "--vfio", "iommufd:vfio2,/dev/vfio/devices/vfio2"], "list each device once"),
            (["--backend", "vfio", "--vfio", "type1:1,2"], "--vfio type1 takes one group"),
            (["--backend", "vfio", "--iommufd-domains", "per-device"], "--iommufd-domains chooses the domains of an iommufd IOAS"),
            (["--backend", "vfio", "--vfio", "type1:3", "--iommufd-domains", "shared"], "use --vfio iommufd:<device>,<device>"),
            (["--iommufd-domains", "per-device"], "need --backend vfio"),
            (["--backend", "vfio", "--vfio", "iommufd:vfio2,vfio3", "--iommufd-domains", "per-node"],
             "unknown iommufd domains 'per-node': choose one of shared, per-device"),
        ]
        for (arguments, message) in cases {
            let result = try Self.run(arguments)
            #expect(result.status == 2, "\(arguments): status \(result.status), stderr \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test("a device list where there is no /dev/iommu fails with what to do, exit 2",
          .enabled(if: access("/dev/iommu", F_OK) != 0, "this machine has /dev/iommu"))
    func listWithoutIOMMUFD() throws {
        let result = try Self.run(["--backend", "vfio", "--vfio", "iommufd:vfio2,vfio3", "--iommufd-domains", "per-device"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("no /dev/iommu"))
    }
}
