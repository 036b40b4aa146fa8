#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PinCore
import PinSystem

// MARK: - The module's map mode: the devices bound to its PCI driver

extension Doctor {
    /// The devices bound to the module's PCI driver (sysfs lists them).
    static let kmodDriverDirectory = "/sys/bus/pci/drivers/pinbench"

    /// For each device bound to the module: its IOMMU group, the domain the module made for it
    /// (type, aperture, page sizes), or why it has none and what fixes it. Nothing when the
    /// module is not loaded or speaks another uAPI (the kmod line says so).
    static func kmodMap(path: String = PinBenchModule.devicePath) -> [Check] {
        guard access(path, F_OK) == 0, let status = try? PinBenchModule.status(path: path),
              status.version == PinBenchModule.apiVersion else { return [] }
        let subject = "kmod map (--map-device)"
        guard status.features.contains(.map) else {
            return [Check(subject: subject, status: .unavailable, detail: "the module was built without map support",
                          fix: "it needs iommu_paging_domain_alloc (Linux 6.11+): build it against a newer kernel")]
        }
        let bound = ((try? FileManager.default.contentsOfDirectory(atPath: kmodDriverDirectory)) ?? [])
            .filter { PinBenchModule.pciAddress($0) == $0 }.sorted()
        guard !bound.isEmpty else {
            return [Check(subject: subject, status: .unavailable, detail: "no device is bound to the module's PCI driver",
                          fix: "give it a spare device alone in its IOMMU group (it takes none by id): "
                            + PinBenchModule.bindCommands(address: "<0000:bb:dd.f>"))]
        }
        return bound.map { address in
            let subject = "kmod map \(address)"
            let device: PinBenchModule.Device
            do throws(SystemError) { device = try PinBenchModule.File(path: path).attach(device: address, query: true) } catch {
                return Check(subject: subject, status: .unavailable, detail: error.description, fix: error.hint)
            }
            let group = device.group.map { "group \($0) (\(device.groupDevices) device\(device.groupDevices == 1 ? "" : "s"))" }
                ?? "no IOMMU group"
            if let refusal = device.refusal {
                return Check(subject: subject, status: .unavailable, detail: "\(group); \(refusal.description)", fix: refusal.hint)
            }
            return Check(
                subject: subject, status: .works,
                detail: "\(group), \(device.domainTypeName) domain, aperture 0x\(String(device.apertureStart, radix: 16))"
                    + "-0x\(String(device.apertureEnd, radix: 16)), page sizes \(device.pageSizeList); "
                    + "\(device.files) files attached, \(ByteSize(device.mappedBytes)) mapped",
                fix: nil)
        }
    }
}
