#if canImport(Glibc)
import Glibc
#endif
import PinCore
@testable import PinSystem
import Testing

@Suite("A device bound to the module: its PCI address, its aperture, and each refusal with its fix")
struct PinBenchModuleDeviceTests {
    static func device(error: Int32? = nil, groupDevices: Int = 1) -> PinBenchModule.Device {
        PinBenchModule.Device(address: "0000:00:04.0", group: 7, groupDevices: groupDevices, domainError: error, domainType: 1,
                              apertureStart: 0, apertureEnd: (1 << 48) - 1, pageSizes: 0x4020_1000, files: 0, mappedBytes: 0)
    }

    @Test("PCI addresses as sysfs names them; a short one gets domain 0000; anything else is refused", arguments: [
        ("0000:00:04.0", "0000:00:04.0"), ("00:04.0", "0000:00:04.0"), ("0000:AF:1f.7", "0000:af:1f.7"),
        ("0000:00:20.0", nil), ("0000:00:04.8", nil), ("04.0", nil), ("0000:00:04", nil), ("", nil), ("zzzz:00:04.0", nil),
        ("0000:000:04.0", nil), ("0000:00:04.0.1", nil), ("../../x", nil),
    ] as [(String, String?)])
    func pciAddress(text: String, expected: String?) {
        #expect(PinBenchModule.pciAddress(text) == expected)
    }

    @Test("the aperture holds a range only wholly inside it, and no overflow slips through")
    func aperture() {
        let device = Self.device()
        #expect(device.apertureHolds(base: 1 << 32, length: 1 << 30))
        #expect(device.apertureHolds(base: (1 << 48) - 4096, length: 4096))
        #expect(!device.apertureHolds(base: (1 << 48) - 4096, length: 8192))
        #expect(!device.apertureHolds(base: Int.max - 10, length: 1 << 20))
        #expect(!device.apertureHolds(base: -4096, length: 4096))
        #expect(!device.apertureHolds(base: 0, length: 0))
    }

    @Test("domain type and page sizes read as words")
    func names() {
        let device = Self.device()
        #expect(device.domainTypeName == "unmanaged paging")
        #expect(device.pageSizeList == "4K, 2M, 1G")
    }

    @Test("each reason a device cannot be mapped into says its fix; a device with a domain has no refusal", arguments: [
        (EXDEV, "shares IOMMU group 7 with 1 other"), (ENODEV, "intel_iommu=on"), (EOPNOTSUPP, "6.11"), (ENOMEM, "dmesg"),
    ])
    func refusals(code: Int32, says: String) throws {
        let refusal = try #require(Self.device(error: code, groupDevices: 2).refusal)
        #expect("\(refusal)".contains(says), "\(refusal)")
        #expect(refusal.errno == code)
        #expect(Self.device().refusal == nil)
    }

    @Test("the bind commands hand the device to the module by driver_override, never by id")
    func bindCommands() {
        let commands = PinBenchModule.bindCommands(address: "0000:00:04.0")
        #expect(commands.contains("echo pinbench > /sys/bus/pci/devices/0000:00:04.0/driver_override"))
        #expect(commands.contains("/sys/bus/pci/drivers_probe"))
        #expect(!commands.contains("new_id"))
    }
}
