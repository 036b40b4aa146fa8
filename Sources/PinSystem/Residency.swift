#if canImport(Glibc)
import Glibc
#endif
import PinCore

/// Counts which base pages of a range are in memory, two ways:
/// `mincore(2)` (page is in memory, also page cache for shared mappings) and
/// `/proc/self/pagemap` (page is mapped by this process's page table).
public enum Residency {
    /// Base pages looked at per system call, so a TiB range needs no TiB-sized vector.
    static let windowPages = 1 << 16
    /// `/proc/self/pagemap`: bit 63 page present, bits 0-54 its frame number (zero unless root).
    static let pagemapPresent: UInt64 = 1 << 63
    static let pagemapFrameMask: UInt64 = (1 << 55) - 1

    /// Base pages of `[address, address + length)` that `mincore` reports resident.
    public static func residentBasePages(_ address: UnsafeRawPointer, length: Int) throws(SystemError) -> Int {
        let pageBytes = PageSize.base.bytes
        var vector = [UInt8](repeating: 0, count: windowPages)
        var resident = 0
        var offset = 0
        while offset < length {
            let windowBytes = min(length - offset, windowPages * pageBytes)
            let pages = (windowBytes + pageBytes - 1) / pageBytes
            let rc = vector.withUnsafeMutableBufferPointer { buffer in
                mincore(UnsafeMutableRawPointer(mutating: address + offset), windowBytes, buffer.baseAddress)
            }
            guard rc == 0 else { throw .last("mincore") }
            for index in 0..<pages where vector[index] & 1 != 0 { resident += 1 }
            offset += windowBytes
        }
        return resident
    }

    /// Base pages of the range whose page-table entry is present (pagemap bit 63) or swapped
    /// (bit 62). Works without root: only the frame numbers are hidden from other users.
    public static func mappedBasePages(_ address: UnsafeRawPointer, length: Int) throws(SystemError) -> Int {
        let presentOrSwapped: UInt64 = pagemapPresent | (1 << 62)
        var mapped = 0
        try forEachPagemapEntry(address, length: length) { entry in
            if entry & presentOrSwapped != 0 { mapped += 1 }
        }
        return mapped
    }

    /// Calls `body` with the `/proc/self/pagemap` entry of every base page of the range, in
    /// order, reading `windowPages` entries per `pread`.
    static func forEachPagemapEntry(
        _ address: UnsafeRawPointer, length: Int, _ body: (UInt64) -> Void
    ) throws(SystemError) {
        let file = try FileDescriptor(opening: "/proc/self/pagemap", O_RDONLY)
        let pageBytes = PageSize.base.bytes
        let firstPage = Int(bitPattern: address) / pageBytes
        let totalPages = (length + pageBytes - 1) / pageBytes
        var entries = [UInt64](repeating: 0, count: windowPages)
        var done = 0
        while done < totalPages {
            let count = min(totalPages - done, windowPages)
            let bytes = count * MemoryLayout<UInt64>.stride
            let got = try entries.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) -> Int in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(bytes)),
                                  at: (firstPage + done) * MemoryLayout<UInt64>.stride)
                }
            }.get()
            guard got == bytes else { throw SystemError("pread(/proc/self/pagemap)", errno: EIO, hint: "\(got) of \(bytes) bytes read") }
            for index in 0..<count { body(entries[index]) }
            done += count
        }
    }
}

// MARK: - Physical contiguity

extension Residency {
    /// How a range sits in physical memory, from the frame numbers of `/proc/self/pagemap`.
    public struct PhysicalRuns: Sendable, Equatable {
        /// Maximal runs of present base pages with consecutive frame numbers: what VFIO's
        /// batching and io_uring's folio coalescing could merge into one mapping each.
        public var runs: Int
        /// Base pages present.
        public var presentPages: Int
        /// The longest run, in base pages.
        public var longestRunPages: Int
    }

    /// Counts physically contiguous runs of `[address, address + length)`. Returns nil when
    /// frame numbers are hidden (they read as zero without `CAP_SYS_ADMIN`).
    public static func physicalRuns(_ address: UnsafeRawPointer, length: Int) throws(SystemError) -> PhysicalRuns? {
        var result = PhysicalRuns(runs: 0, presentPages: 0, longestRunPages: 0)
        var previousFrame: UInt64? = nil
        var currentRun = 0
        var sawFrame = false
        try forEachPagemapEntry(address, length: length) { entry in
            guard entry & pagemapPresent != 0 else {
                previousFrame = nil
                currentRun = 0
                return
            }
            let frame = entry & pagemapFrameMask
            if frame != 0 { sawFrame = true }
            result.presentPages += 1
            if let previous = previousFrame, frame == previous + 1 {
                currentRun += 1
            } else {
                result.runs += 1
                currentRun = 1
            }
            result.longestRunPages = max(result.longestRunPages, currentRun)
            previousFrame = frame
        }
        return sawFrame || result.presentPages == 0 ? result : nil
    }
}
