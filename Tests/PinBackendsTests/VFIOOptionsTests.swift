import PinBackends
import PinContract
import PinCore
import Testing

/// Parsing of `--vfio` and `--locked-vm`, and the descriptions that records carry.
@Suite("VFIOOptions")
struct VFIOOptionsTests {
    static let paths: [(String, VFIOOptions.Path)] = [
        ("shim", .shim),
        ("type1:12", .type1(group: "/dev/vfio/12")),
        ("type1:0", .type1(group: "/dev/vfio/0")),
        ("type1:/dev/vfio/7", .type1(group: "/dev/vfio/7")),
        ("iommufd:vfio0", .iommufd(device: "/dev/vfio/devices/vfio0")),
        ("iommufd:/dev/vfio/devices/vfio3", .iommufd(device: "/dev/vfio/devices/vfio3")),
        ("iommufd-file:vfio0", .iommufdFile(device: "/dev/vfio/devices/vfio0")),
        ("iommufd-file:/dev/vfio/devices/vfio2", .iommufdFile(device: "/dev/vfio/devices/vfio2")),
    ]

    @Test("--vfio forms parse to their paths", arguments: paths)
    func pathParses(text: String, expected: VFIOOptions.Path) throws {
        #expect(try VFIOOptions.Path(parsing: text) == expected)
    }

    @Test(
        "bad --vfio forms throw invalidParameter naming the text",
        arguments: ["", "Shim", "shim:", "shim:1", "type1", "type1:", ":12", "iommufd", "iommufd:", "vfio:12", "type2:3", " shim",
                    "type1:abc", "type1:a:b", "type1:./x", "iommufd:0", "iommufd:vfiox",
                    "iommufd-file", "iommufd-file:", "iommufd-file:0", "iommufd-file:vfio", "iommufd_file:vfio0", "iommufd-va:vfio0",
                    "file:vfio0"])
    func pathRejects(text: String) {
        let error = #expect(throws: PlanError.self) { try VFIOOptions.Path(parsing: text) }
        guard case .invalidParameter(let message) = error else {
            Issue.record("expected invalidParameter, got \(String(describing: error))")
            return
        }
        #expect(message.hasPrefix("--vfio must be \(VFIOOptions.Path.forms), not '\(text)'"), "\(message)")
    }

    @Test("--vfio descriptions")
    func pathDescriptions() {
        #expect(VFIOOptions.Path.shim.description == "shim")
        #expect(VFIOOptions.Path.type1(group: "/dev/vfio/12").description == "type1:/dev/vfio/12")
        #expect(VFIOOptions.Path.iommufd(device: "/dev/vfio/devices/vfio0").description == "iommufd:/dev/vfio/devices/vfio0")
        #expect(VFIOOptions.Path.iommufdFile(device: "/dev/vfio/devices/vfio0").description == "iommufd-file:/dev/vfio/devices/vfio0")
    }

    @Test("only iommufd-file maps files")
    func mapsFiles() {
        #expect(VFIOOptions.Path.iommufdFile(device: "/dev/vfio/devices/vfio0").mapsFiles)
        #expect(!VFIOOptions.Path.iommufd(device: "/dev/vfio/devices/vfio0").mapsFiles)
        #expect(!VFIOOptions.Path.type1(group: "/dev/vfio/1").mapsFiles)
        #expect(!VFIOOptions.Path.shim.mapsFiles)
    }

    @Test(
        "--vfio parse(description) round trips",
        arguments: ["shim", "type1:12", "type1:/dev/vfio/7", "iommufd:vfio0", "iommufd:/dev/vfio/devices/vfio9", "iommufd-file:vfio1"])
    func pathRoundTrip(text: String) throws {
        let path = try VFIOOptions.Path(parsing: text)
        #expect(try VFIOOptions.Path(parsing: path.description) == path)
    }

    static let models: [(String, VFIOOptions.LockedVM)] = [
        ("shared", .shared),
        ("cached:4096", .cached(pages: 4096)),
        ("cached:1", .cached(pages: 1)),
        ("cached:512", .cached(pages: 512)),
    ]

    @Test("--locked-vm forms parse", arguments: models)
    func lockedVMParses(text: String, expected: VFIOOptions.LockedVM) throws {
        #expect(try VFIOOptions.LockedVM(parsing: text) == expected)
    }

    @Test(
        "bad --locked-vm forms throw invalidParameter naming the text",
        arguments: ["", "other", "Shared", "shared:1", "cached", "cached:", "cached:0", "cached:-1", "cached:x", "cached:1k", "cached: 4"])
    func lockedVMRejects(text: String) {
        let error = #expect(throws: PlanError.self) { try VFIOOptions.LockedVM(parsing: text) }
        #expect(error == .invalidParameter("--locked-vm must be shared or cached:<pages> (pages 1...17592186044416), not '\(text)'"))
    }

    @Test("--locked-vm descriptions round trip", arguments: [VFIOOptions.LockedVM.shared, .cached(pages: 1), .cached(pages: 4096)])
    func lockedVMRoundTrip(model: VFIOOptions.LockedVM) throws {
        #expect(try VFIOOptions.LockedVM(parsing: model.description) == model)
    }

    @Test("--locked-vm descriptions")
    func lockedVMDescriptions() {
        #expect(VFIOOptions.LockedVM.shared.description == "shared")
        #expect(VFIOOptions.LockedVM.cached(pages: 4096).description == "cached:4096")
    }

    @Test("--container-lock values")
    func containerLock() {
        #expect(VFIOOptions.ContainerLock.allCases == [.type1, .iommufd])
        #expect(VFIOOptions.ContainerLock(rawValue: "type1") == .type1)
        #expect(VFIOOptions.ContainerLock(rawValue: "iommufd") == .iommufd)
        #expect(VFIOOptions.ContainerLock(rawValue: "shared") == nil)
        #expect(VFIOOptions.ContainerLock.iommufd.description == "iommufd")
    }

    @Test("defaults are the shim with shared accounting and type1's container lock")
    func defaults() {
        let options = VFIOOptions()
        #expect(options.path == .shim)
        #expect(options.lockedVM == .shared)
        #expect(options.containerLock == .type1)
        #expect(options.description == "shim, locked-vm shared, container-lock type1")
    }

    @Test("the description names the shim's models, and only the path for a real mapper")
    func optionsDescription() {
        #expect(VFIOOptions(lockedVM: .cached(pages: 4096), containerLock: .iommufd).description
            == "shim, locked-vm cached:4096, container-lock iommufd")
        #expect(VFIOOptions(path: .type1(group: "/dev/vfio/12"), lockedVM: .cached(pages: 8)).description == "type1:/dev/vfio/12")
        #expect(VFIOOptions(path: .iommufd(device: "/dev/vfio/devices/vfio0")).description == "iommufd:/dev/vfio/devices/vfio0")
    }
}
