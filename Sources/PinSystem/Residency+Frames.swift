import PinCore

// MARK: - Frame numbers

extension Residency {
    /// The physical frame number of every base page of `[address, address + length)` (0 for a
    /// page not present); nil when frame numbers are hidden (they read as zero without
    /// `CAP_SYS_ADMIN`). A dirty tracker reads them to know which IOMMU leaves a range could have.
    public static func frames(_ address: UnsafeRawPointer, length: Int) throws(SystemError) -> [UInt64]? {
        var frames: [UInt64] = []
        frames.reserveCapacity(length / PageSize.base.bytes)
        var sawFrame = false
        try forEachPagemapEntry(address, length: length) { entry in
            let frame = entry & pagemapPresent != 0 ? entry & pagemapFrameMask : 0
            if frame != 0 { sawFrame = true }
            frames.append(frame)
        }
        return sawFrame ? frames : nil
    }
}
