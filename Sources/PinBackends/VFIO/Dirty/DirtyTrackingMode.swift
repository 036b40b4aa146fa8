/// Which dirty tracker `--dirty-tracking` measures after the map (`--backend vfio`).
public enum DirtyTrackingMode: String, Sendable, Equatable, CaseIterable, Codable, CustomStringConvertible {
    /// type1's own log (`VFIO_IOMMU_DIRTY_PAGES`, and `VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP`):
    /// needs `--vfio type1:<group>`.
    case type1
    /// The IOMMU's dirty bits through iommufd (`IOMMU_HWPT_ALLOC_DIRTY_TRACKING`,
    /// `IOMMU_HWPT_SET_DIRTY_TRACKING`, `IOMMU_HWPT_GET_DIRTY_BITMAP`): needs
    /// `--vfio iommufd:<device>` and an IOMMU that tracks.
    case iommufd
    /// The same ioctls on iommufd's selftest mock domain (`CONFIG_IOMMUFD_TEST`), which needs
    /// no device: its times are the kernel's bitmap walk and copy-out, never hardware's.
    case iommufdMock = "iommufd-mock"

    public var description: String { rawValue }

    /// Whether records, tables and checks must say the figures come from a mock.
    public var isMock: Bool { self == .iommufdMock }
}
