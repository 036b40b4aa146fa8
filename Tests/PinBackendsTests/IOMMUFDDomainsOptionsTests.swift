import Foundation
import PinBackends
import PinContract
import PinCore
import Testing

/// Several devices on one iommufd IOAS (`--vfio iommufd:A,B`) and how they get their IOMMU
/// domains (`--iommufd-domains shared|per-device`): parsing, refusals, descriptions and the
/// JSON a result set keeps.
@Suite("iommufd domains: --vfio device lists and --iommufd-domains")
struct IOMMUFDDomainsOptionsTests {
    static let vfio2 = "/dev/vfio/devices/vfio2"
    static let vfio3 = "/dev/vfio/devices/vfio3"

    static func options(_ given: [(BackendOption, String)]) throws(BackendOptionError) -> VFIOOptions {
        var arguments = BackendArguments()
        for (option, value) in given { arguments.set(option, value) }
        return try VFIOOptions(arguments: arguments)
    }

    @Test("device lists parse in order, by name or path, for both map calls")
    func listsParse() throws {
        #expect(try VFIOOptions.Path(parsing: "iommufd:vfio2,vfio3") == .iommufd(devices: [Self.vfio2, Self.vfio3]))
        #expect(try VFIOOptions.Path(parsing: "iommufd:vfio3,/dev/vfio/devices/vfio2") == .iommufd(devices: [Self.vfio3, Self.vfio2]))
        #expect(try VFIOOptions.Path(parsing: "iommufd-file:vfio2,vfio3") == .iommufdFile(devices: [Self.vfio2, Self.vfio3]))
        #expect(VFIOOptions.Path.iommufd(device: Self.vfio2) == .iommufd(devices: [Self.vfio2]))
        #expect(try VFIOOptions.Path(parsing: "iommufd:vfio2,vfio3").devices == [Self.vfio2, Self.vfio3])
        #expect(VFIOOptions.Path.shim.devices.isEmpty && VFIOOptions.Path.type1(group: "/dev/vfio/1").devices.isEmpty)
    }

    @Test("a device listed twice is refused with the fix, also as a name and its path")
    func twiceRefused() {
        for text in ["iommufd:vfio2,vfio2", "iommufd:vfio2,/dev/vfio/devices/vfio2", "iommufd-file:vfio3,vfio2,vfio3"] {
            let error = #expect(throws: PlanError.self) { try VFIOOptions.Path(parsing: text) }
            #expect(error?.description.contains("twice: a device attaches to one IOAS once; list each device once") == true,
                    "\(String(describing: error))")
        }
    }

    @Test("type1 with a list is refused saying type1 shares one domain by itself", arguments: ["type1:1,2", "type1:/dev/vfio/1,/dev/vfio/2"])
    func type1ListRefused(text: String) {
        let error = #expect(throws: PlanError.self) { try VFIOOptions.Path(parsing: text) }
        #expect(error?.description.contains("--vfio type1 takes one group") == true, "\(String(describing: error))")
        #expect(error?.description.contains("iommufd:<device>,<device>") == true)
    }

    @Test("empty or bad items are refused naming the item", arguments: ["iommufd:vfio2,", "iommufd:,vfio2", "iommufd:,", "iommufd:vfio2,x",
                                                                       "iommufd:vfio2,,vfio3", "iommufd-file:vfio2,0"])
    func badItems(text: String) {
        let error = #expect(throws: PlanError.self) { try VFIOOptions.Path(parsing: text) }
        #expect(error?.description.hasPrefix("--vfio must be shim, type1:<group>, iommufd:<device>[,<device>...]") == true,
                "\(String(describing: error))")
    }

    @Test("more devices than one IOAS takes here are refused before any is opened")
    func tooMany() throws {
        let most = (0..<VFIOOptions.Path.maxDevices).map { "vfio\($0)" }
        #expect(try VFIOOptions.Path(parsing: "iommufd:" + most.joined(separator: ",")).devices.count == VFIOOptions.Path.maxDevices)
        let error = #expect(throws: PlanError.self) {
            try VFIOOptions.Path(parsing: "iommufd:" + (most + ["vfio999"]).joined(separator: ","))
        }
        #expect(error?.description.contains("at most \(VFIOOptions.Path.maxDevices) share one IOAS") == true)
    }

    @Test("lists round trip through their description")
    func roundTrip() throws {
        for text in ["iommufd:vfio2,vfio3", "iommufd-file:/dev/vfio/devices/vfio9,vfio1"] {
            let path = try VFIOOptions.Path(parsing: text)
            #expect(try VFIOOptions.Path(parsing: path.description) == path)
        }
    }

    @Test("--iommufd-domains: default shared, per-device taken in any case, an unknown mode names the choices")
    func modeOption() throws {
        #expect(try Self.options([(.vfio, "iommufd:vfio2,vfio3")]).domains == .shared)
        #expect(try Self.options([(.vfio, "iommufd:vfio2,vfio3"), (.iommufdDomains, "PER-DEVICE")]).domains == .perDevice)
        #expect(try Self.options([(.vfio, "iommufd-file:vfio2,vfio3"), (.iommufdDomains, "shared")]).domains == .shared)
        let error = #expect(throws: BackendOptionError.self) {
            try Self.options([(.vfio, "iommufd:vfio2,vfio3"), (.iommufdDomains, "per-node")])
        }
        #expect(error?.description == "unknown iommufd domains 'per-node': choose one of shared, per-device")
    }

    @Test("per-device with one device is allowed: one domain, said as such")
    func perDeviceOneDevice() throws {
        let options = try Self.options([(.vfio, "iommufd:vfio2"), (.iommufdDomains, "per-device")])
        #expect(options.domains == .perDevice)
        #expect(options.description == "iommufd:\(Self.vfio2) (1 per-device domain)")
    }

    @Test("--iommufd-domains with the shim or type1 is refused with the fix", arguments: ["shim", "type1:12"])
    func modeNeedsIOMMUFD(path: String) {
        let error = #expect(throws: BackendOptionError.self) {
            try Self.options([(.vfio, path), (.iommufdDomains, "per-device")])
        }
        #expect(error?.description.contains("--iommufd-domains chooses the domains of an iommufd IOAS") == true, "\(String(describing: error))")
        #expect(error?.description.contains("use --vfio iommufd:<device>,<device>") == true)
    }

    @Test("domain counts and their words")
    func counts() {
        #expect(VFIOOptions.Domains.shared.count(devices: 2) == 1)
        #expect(VFIOOptions.Domains.perDevice.count(devices: 2) == 2)
        #expect(VFIOOptions.Domains.perDevice.count(devices: 1) == 1)
        #expect(VFIOOptions.Domains.shared.describe(devices: 2) == "1 shared domain")
        #expect(VFIOOptions.Domains.perDevice.describe(devices: 2) == "2 per-device domains")
    }

    @Test("descriptions: one device shared is the path as before; a list or per-device says the domains")
    func descriptions() {
        #expect(VFIOOptions(path: .iommufd(device: Self.vfio2)).description == "iommufd:\(Self.vfio2)")
        #expect(VFIOOptions(path: .iommufd(devices: [Self.vfio2, Self.vfio3])).description
            == "iommufd:\(Self.vfio2),\(Self.vfio3) (1 shared domain)")
        #expect(VFIOOptions(path: .iommufd(devices: [Self.vfio2, Self.vfio3]), domains: .perDevice).description
            == "iommufd:\(Self.vfio2),\(Self.vfio3) (2 per-device domains)")
        #expect(VFIOOptions(path: .iommufdFile(devices: [Self.vfio2, Self.vfio3]), domains: .perDevice).label
            == "vfio iommufd-file:\(Self.vfio2),\(Self.vfio3)")
    }

    @Test("the JSON keeps the mode (only when per-device) and reads sets made before it as shared")
    func codable() throws {
        let perDevice = VFIOOptions(path: .iommufd(devices: [Self.vfio2, Self.vfio3]), domains: .perDevice)
        let data = try JSONEncoder().encode(perDevice)
        #expect(String(decoding: data, as: UTF8.self).contains("\"iommufdDomains\":\"per-device\""))
        #expect(try JSONDecoder().decode(VFIOOptions.self, from: data) == perDevice)
        let shared = VFIOOptions(path: .iommufd(devices: [Self.vfio2, Self.vfio3]))
        let sharedData = try JSONEncoder().encode(shared)
        #expect(!String(decoding: sharedData, as: UTF8.self).contains("iommufdDomains"))
        #expect(try JSONDecoder().decode(VFIOOptions.self, from: sharedData) == shared)
        let old = Data(#"{"path":"iommufd:/dev/vfio/devices/vfio0","lockedVM":"shared","containerLock":"type1"}"#.utf8)
        #expect(try JSONDecoder().decode(VFIOOptions.self, from: old) == VFIOOptions(path: .iommufd(device: "/dev/vfio/devices/vfio0")))
        let bad = Data(#"{"path":"iommufd:vfio0","lockedVM":"shared","containerLock":"type1","iommufdDomains":"per-node"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VFIOOptions.self, from: bad) }
    }

    @Test("the metrics are declared once, with their headings")
    func metrics() {
        #expect(VFIOOptions.metrics.contains(VFIOMetric.iommuDomains) && VFIOOptions.metrics.contains(VFIOMetric.devices))
        #expect(VFIOMetric.iommuDomains.heading == "IOMMU domains")
        #expect(VFIOOptions.accepts.contains { $0.option == .iommufdDomains })
    }
}
