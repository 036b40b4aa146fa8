#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem

// MARK: - The container's migration capability

extension Type1DMAMapper {
    /// What `VFIO_IOMMU_GET_INFO` says about dirty logging.
    public struct MigrationCapability: Sendable, Equatable {
        /// The container's IOVA page sizes (`iova_pgsizes`).
        public var iovaPageSizes: UInt64
        /// The page sizes it logs at (`pgsize_bitmap` of `VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION`).
        public var bitmapPageSizes: UInt64
        /// The largest bitmap one call takes, in bytes.
        public var maxBitmapBytes: UInt64
    }

    /// Reads `VFIO_IOMMU_GET_INFO` and its capability chain; nil when the chain has no
    /// migration capability (a kernel before 5.8, or a container that cannot log).
    public func migrationCapability() throws(SystemError) -> MigrationCapability? {
        var info = cpinsys_vfio_iommu_type1_info()
        info.argsz = UInt32(MemoryLayout<cpinsys_vfio_iommu_type1_info>.size)
        try container.ioctl("VFIO_IOMMU_GET_INFO", CPINSYS_VFIO_IOMMU_GET_INFO, &info)
        // The first call says how big the capability chain is; the second reads it.
        let needed = Int(info.argsz)
        guard info.flags & UInt32(CPINSYS_VFIO_IOMMU_INFO_CAPS) != 0,
              (MemoryLayout<cpinsys_vfio_iommu_type1_info>.size...65536).contains(needed) else { return nil }
        var buffer = [UInt64](repeating: 0, count: (needed + 7) / 8)
        let chain: MigrationCapability?? = try buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(SystemError) -> MigrationCapability? in
                let head = bytes.baseAddress!.assumingMemoryBound(to: cpinsys_vfio_iommu_type1_info.self)
                head.pointee.argsz = UInt32(needed)
                _ = try Syscall.ioctl(container.rawValue, CPINSYS_VFIO_IOMMU_GET_INFO, &head.pointee,
                                      "VFIO_IOMMU_GET_INFO (\(needed) bytes) on \(container.path)")
                let pageSizes = head.pointee.iova_pgsizes
                var offset = Int(head.pointee.cap_offset)
                var hops = 0
                // Walk the chain, every offset range-checked against the buffer.
                while offset >= MemoryLayout<cpinsys_vfio_iommu_type1_info>.size,
                      offset + MemoryLayout<cpinsys_vfio_info_cap_header>.size <= needed, hops < 64 {
                    let header = bytes.load(fromByteOffset: offset, as: cpinsys_vfio_info_cap_header.self)
                    if Int(header.id) == Int(CPINSYS_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION),
                       offset + MemoryLayout<cpinsys_vfio_iommu_type1_info_cap_migration>.size <= needed {
                        let migration = bytes.loadUnaligned(fromByteOffset: offset, as: cpinsys_vfio_iommu_type1_info_cap_migration.self)
                        return MigrationCapability(iovaPageSizes: pageSizes, bitmapPageSizes: migration.pgsize_bitmap,
                                                   maxBitmapBytes: migration.max_dirty_bitmap_size)
                    }
                    offset = Int(header.next)
                    hops += 1
                }
                return nil
            }
        }.get()
        return chain ?? nil
    }

    /// The dirty tracker of this container, or a refusal naming why it cannot log.
    public func makeDirtyTracker() throws(SystemError) -> Type1DirtyTracker {
        guard let capability = try migrationCapability() else {
            throw SystemError("VFIO_IOMMU_GET_INFO on \(name)", errno: EOPNOTSUPP,
                              hint: "the container reports no migration capability (VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION): "
                                  + "this kernel's type1 cannot log dirty pages")
        }
        guard capability.bitmapPageSizes != 0, capability.bitmapPageSizes & UInt64(PageSize.base.bytes - 1) == 0 else {
            throw SystemError("VFIO_IOMMU_GET_INFO on \(name)", errno: ERANGE,
                              hint: "the migration capability's page sizes 0x\(String(capability.bitmapPageSizes, radix: 16)) "
                                  + "hold none of 4K or larger")
        }
        return Type1DirtyTracker(mapper: self, capability: capability)
    }

    // MARK: - The calls

    /// `VFIO_IOMMU_DIRTY_PAGES` with FLAG_START or FLAG_STOP.
    func dirtyPages(_ flag: Int, _ name: String) throws(SystemError) {
        var request = cpinsys_vfio_dirty_bitmap_get()
        request.argsz = 8
        request.flags = UInt32(flag)
        try container.ioctl("VFIO_IOMMU_DIRTY_PAGES(\(name))", CPINSYS_VFIO_IOMMU_DIRTY_PAGES, &request)
    }

    /// `VFIO_IOMMU_DIRTY_PAGES` with FLAG_GET_BITMAP of `[iova, iova + length)` at `pageSize`.
    func readDirty(iova: UInt64, length: Int, pageSize: Int, into bitmap: inout DirtyBitmap) throws(SystemError) {
        let bytes = bitmap.byteCount
        try bitmap.withAddress { (address: UInt64) throws(SystemError) in
            var request = cpinsys_vfio_dirty_bitmap_get(
                argsz: UInt32(MemoryLayout<cpinsys_vfio_dirty_bitmap_get>.size),
                flags: UInt32(CPINSYS_VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP), iova: iova, size: UInt64(length),
                bitmap: cpinsys_vfio_bitmap(pgsize: UInt64(pageSize), size: UInt64(bytes), data: address))
            try container.ioctl("VFIO_IOMMU_DIRTY_PAGES(GET_BITMAP) of \(ByteSize(length)) at \(ByteSize(pageSize)) pages",
                                CPINSYS_VFIO_IOMMU_DIRTY_PAGES, &request)
        }
    }

    /// `VFIO_IOMMU_UNMAP_DMA` with `VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP`: the range's
    /// mappings go, and their dirty bits come back in `bitmap`.
    func unmapReadingDirty(iova: UInt64, length: Int, pageSize: Int, into bitmap: inout DirtyBitmap) throws(SystemError) {
        let bytes = bitmap.byteCount
        try bitmap.withAddress { (address: UInt64) throws(SystemError) in
            var request = cpinsys_vfio_dma_unmap_bitmap(
                argsz: UInt32(MemoryLayout<cpinsys_vfio_dma_unmap_bitmap>.size),
                flags: UInt32(CPINSYS_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP), iova: iova, size: UInt64(length),
                bitmap: cpinsys_vfio_bitmap(pgsize: UInt64(pageSize), size: UInt64(bytes), data: address))
            try container.ioctl("VFIO_IOMMU_UNMAP_DMA(GET_DIRTY_BITMAP) of \(ByteSize(length))",
                                CPINSYS_VFIO_IOMMU_UNMAP_DMA, &request)
        }
    }

    /// Maps `entries` again as they were, outside the run's counters (the tracker's last pass
    /// unmapped them; the run's unpin phase must find what its pin phase made).
    func remap(_ entries: [IOVATable.Entry]) throws(SystemError) {
        for entry in entries {
            var request = cpinsys_vfio_dma_map(
                argsz: UInt32(MemoryLayout<cpinsys_vfio_dma_map>.size),
                flags: UInt32(CPINSYS_VFIO_DMA_MAP_FLAG_READ | CPINSYS_VFIO_DMA_MAP_FLAG_WRITE),
                vaddr: UInt64(entry.vaddr), iova: entry.iova, size: UInt64(entry.length))
            try container.ioctl("VFIO_IOMMU_MAP_DMA (again, after the unmap with bitmap)", CPINSYS_VFIO_IOMMU_MAP_DMA, &request)
            accounting.restore(entry)
        }
    }
}
