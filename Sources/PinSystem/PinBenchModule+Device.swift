#if canImport(Glibc)
import Glibc
#endif
import CPinSys

extension PinBenchModule {
    /// A PCI device bound to the module's PCI driver (by `driver_override`), and the paging
    /// domain the module made for it, as `PINBENCH_KMOD_ATTACH` describes it.
    public struct Device: Sendable, Equatable, Codable {
        /// The PCI address, `0000:00:04.0`.
        public var address: String
        /// The IOMMU group and how many devices share it (this one included); nil without one.
        public var group: Int?
        public var groupDevices: Int
        /// Why the device has no domain of the module's (an errno), or nil when it has one.
        public var domainError: Int32?
        /// The domain's `IOMMU_DOMAIN_*` type, its aperture (inclusive) and page sizes.
        public var domainType: UInt32
        public var apertureStart: UInt64
        public var apertureEnd: UInt64
        public var pageSizes: UInt64
        /// Files attached to the device and bytes mapped in its domain now.
        public var files: Int
        public var mappedBytes: Int

        /// `IOMMU_DOMAIN_UNMANAGED` is `__IOMMU_DOMAIN_PAGING` alone; `IOMMU_DOMAIN_DMA` adds the DMA API.
        public var domainTypeName: String {
            switch domainType {
            case 0x1: return "unmanaged paging"
            case 0x3: return "DMA API paging"
            case 0: return "none"
            default: return "type 0x\(String(domainType, radix: 16))"
            }
        }

        /// The page sizes the domain maps with: "4K, 2M, 1G".
        public var pageSizeList: String {
            (0..<64).filter { pageSizes & (1 << UInt64($0)) != 0 }.map { bit -> String in
                let bytes = UInt64(1) << UInt64(bit)
                if bytes >= 1 << 30 { return "\(bytes >> 30)G" }
                if bytes >= 1 << 20 { return "\(bytes >> 20)M" }
                return "\(bytes >> 10)K"
            }.joined(separator: ", ")
        }

        /// Whether `[base, base + length)` lies inside the aperture.
        public func apertureHolds(base: Int, length: Int) -> Bool {
            guard base >= 0, length > 0, case let (end, overflow) = base.addingReportingOverflow(length - 1), !overflow else {
                return false
            }
            return UInt64(base) >= apertureStart && UInt64(end) <= apertureEnd
        }

        /// Why this device cannot be mapped into, with the fix; nil when it can.
        public var refusal: SystemError? {
            guard let code = domainError else { return nil }
            let group = self.group.map(String.init) ?? "none"
            switch code {
            case EXDEV:
                return SystemError("\(address) shares IOMMU group \(group) with \(groupDevices - 1) other device(s)", errno: EXDEV,
                                   hint: "the module maps only for a device alone in its group (as VFIO needs a viable group): use a device in a group of its own (another slot, or one behind ACS)")
            case ENODEV:
                return SystemError("\(address) has no IOMMU", errno: ENODEV,
                                   hint: "boot with the IOMMU on (intel_iommu=on or amd_iommu=on) so the device gets an IOMMU group")
            case EOPNOTSUPP:
                return SystemError("the module was built without map support", errno: EOPNOTSUPP,
                                   hint: "it needs iommu_paging_domain_alloc (Linux 6.11+): build it against a newer kernel")
            default:
                return SystemError("the IOMMU gave \(address) no paging domain of the module's", errno: code,
                                   hint: "iommu_paging_domain_alloc or iommu_attach_device failed: see `dmesg | grep pinbench`")
            }
        }
    }

    /// The commands that give the device at `address` to the module's PCI driver.
    public static func bindCommands(address: String) -> String {
        let sysfs = "/sys/bus/pci/devices/\(address)"
        return "echo pinbench > \(sysfs)/driver_override; [ -e \(sysfs)/driver ] && echo \(address) > \(sysfs)/driver/unbind; "
            + "echo \(address) > /sys/bus/pci/drivers_probe"
    }

    /// A PCI address as sysfs names it: `dddd:bb:dd.f`, hexadecimal; `bb:dd.f` gets domain 0000.
    public static func pciAddress(_ text: String) -> String? {
        let full = text.filter { $0 == ":" }.count == 1 ? "0000:" + text : text
        let parts = full.lowercased().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2 else { return nil }
        let slot = parts[2].split(separator: ".", omittingEmptySubsequences: false)
        guard slot.count == 2, slot[0].count == 2, slot[1].count == 1,
              let device = UInt8(slot[0], radix: 16), device < 32, let function = UInt8(slot[1], radix: 16), function < 8,
              UInt16(parts[0], radix: 16) != nil, UInt8(parts[1], radix: 16) != nil
        else { return nil }
        return full.lowercased()
    }
}

extension PinBenchModule.File {
    /// `PINBENCH_KMOD_ATTACH` (`cpinsys_kmod_attach`): attaches this file to the device at
    /// `address`, so a PIN with an IOVA maps into its domain; with `query` only describes it.
    /// A device not bound to the module says how to bind it.
    public func attach(device address: String, query: Bool = false) throws(SystemError) -> PinBenchModule.Device {
        var raw = cpinsys_kmod_device()
        let rc = cpinsys_kmod_attach(descriptor, address, query ? UInt32(CPINSYS_KMOD_ATTACH_QUERY) : 0, &raw)
        guard rc == 0 else {
            switch -rc {
            case ENODEV:
                let exists = access("/sys/bus/pci/devices/\(address)", F_OK) == 0
                throw SystemError("\(address) is not bound to the module's PCI driver", errno: ENODEV,
                                  hint: exists ? "bind it (it takes only devices given by driver_override): \(PinBenchModule.bindCommands(address: address))"
                                      : "there is no PCI device \(address) (see lspci -D)")
            case EBUSY:
                throw SystemError("PINBENCH_KMOD_ATTACH(\(address))", errno: EBUSY, hint: "this file is attached to another device or holds a pinned range")
            default:
                throw SystemError("PINBENCH_KMOD_ATTACH(\(address))", errno: -rc,
                                  hint: -rc == ENOTTY ? "the loaded module predates map support (uAPI 4): rebuild and reload it" : nil)
            }
        }
        let device = PinBenchModule.Device(
            address: address, group: raw.group < 0 ? nil : Int(raw.group), groupDevices: Int(raw.group_devices),
            domainError: raw.domain_error == 0 ? nil : -raw.domain_error, domainType: raw.domain_type,
            apertureStart: raw.aperture_start, apertureEnd: raw.aperture_end, pageSizes: raw.pgsize_bitmap,
            files: Int(raw.files), mappedBytes: Int(raw.mapped_bytes))
        return device
    }
}
