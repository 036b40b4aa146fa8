// MARK: - IOMMU domains of an iommufd path

extension VFIOOptions {
    /// How the devices of one iommufd IOAS get their IOMMU domains (`--iommufd-domains`). Either
    /// way the IOAS is mapped and unmapped once per call (`IOMMU_IOAS_MAP`/`_UNMAP`): iommufd
    /// pins the pages once and maps them into every domain the IOAS has, so the domains are
    /// what a map pays per added device. (type1 has no choice: every compatible group of a
    /// container joins one domain.)
    public enum Domains: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
        /// One HWPT (`IOMMU_HWPT_ALLOC` for the first device over the IOAS), every device
        /// attached to it: one set of IOMMU page tables, wherever the devices are.
        case shared
        /// One HWPT per device over the same IOAS (`IOMMU_HWPT_ALLOC` each), each device
        /// attached to its own: a domain per device (per node, with one device per node), at
        /// the price of mapping everything once per domain. One device has one domain either way.
        case perDevice = "per-device"

        public var description: String { rawValue }

        /// How many domains `devices` devices have in this mode.
        public func count(devices: Int) -> Int { self == .shared ? min(devices, 1) : devices }

        /// "1 shared domain", "2 per-device domains".
        public func describe(devices: Int) -> String {
            let domains = count(devices: devices)
            return "\(domains) \(rawValue) domain\(domains == 1 ? "" : "s")"
        }
    }
}
