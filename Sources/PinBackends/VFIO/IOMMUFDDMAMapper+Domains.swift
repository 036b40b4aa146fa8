import PinContract
import PinCore
import PinSystem

// MARK: - Several devices, one domain or one each

extension IOMMUFDDMAMapper {
    /// How many devices the IOAS serves, and how many IOMMU domains map it.
    public var deviceCount: Int { attachment.devices.count }
    public var domainCount: Int { attachment.hwptIDs.count }
    public var domains: VFIOOptions.Domains { attachment.mode }

    /// "iommufd /dev/vfio/devices/vfio2,/dev/vfio/devices/vfio3 (IOAS 1, 2 per-device domains: vfio2 -> hwpt 3, vfio3 -> hwpt 4)".
    static func name(devices: [String], ioasID: UInt32, mapCall: MapCall, attachment: IOMMUFDAttachment) -> String {
        let call = mapCall == .file ? ", IOMMU_IOAS_MAP_FILE" : ""
        return "\(mapCall == .file ? "iommufd-file" : "iommufd") \(devices.joined(separator: ",")) (IOAS \(ioasID), \(attachment.summary)\(call))"
    }

    /// What can be seen of the domains while the region is mapped (no page table of a domain
    /// can be read from userspace): each device attached where the mode says
    /// (`IOMMUFDAttachment.verifyAttached`) and the IOAS holding exactly the mapper's own
    /// entries (`verifyIOASView`). The unmap answers are counted from here on.
    func verifyDomains(_ region: Region) -> Verification {
        attachment.resetUnmapAnswers()
        return attachment.verifyAttached()
            .and(attachment.verifyIOASView(accounting.entries, end: VFIOBackend.iovaBase + UInt64(region.size.bytes)))
    }

    /// The domain figures of a run: devices and domains, and the mode with each device's HWPT.
    func addDomainMetrics(to metrics: inout BackendMetrics) {
        metrics[VFIOMetric.devices] = Double(deviceCount)
        metrics[VFIOMetric.iommuDomains] = Double(domainCount)
        metrics[VFIOMetric.domains] = attachment.summary
    }
}
