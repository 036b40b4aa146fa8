#if canImport(Glibc)
import Glibc
#endif
import PinCore

/// The folios the kernel backs a populated range with: frame numbers from
/// `/proc/self/pagemap`, head and tail flags from `/proc/kpageflags`. Both need root
/// (`CAP_SYS_ADMIN`): without it frame numbers read as zero and kpageflags cannot be opened.
public enum KernelFolios {
    /// `KPF_COMPOUND_HEAD` and `KPF_COMPOUND_TAIL` (include/uapi/linux/kernel-page-flags.h).
    static let compoundHead: UInt64 = 1 << 15
    static let compoundTail: UInt64 = 1 << 16
    static let rootHint = "reading the kernel's folios needs root (CAP_SYS_ADMIN): run as root, or use --folios memory or mixed:<seed>"

    /// Calls `body(firstPage, order)` for every folio of `[address, address + length)`, which
    /// must be populated, in address order. A folio is a compound head and the tails after it
    /// whose frames follow on; one cut short by the range's ends, or not aligned to its size in
    /// virtual address, is reported as its 4 KiB pages, since it cannot be mapped as one there.
    public static func forEachFolio(
        _ address: UnsafeRawPointer, length: Int, _ body: (_ firstPage: Int, _ order: Int) -> Void
    ) throws(SystemError) {
        let frames = try frameNumbers(address, length: length)
        let flags = try pageFlags(frames: frames)
        let firstVirtualPage = Int(bitPattern: address) / PageSize.base.bytes
        var page = 0
        while page < frames.count {
            if flags[page] & compoundHead != 0 {
                var count = 1
                while page + count < frames.count, flags[page + count] & compoundTail != 0,
                      frames[page + count] == frames[page] + UInt64(count) {
                    count += 1
                }
                if count > 1, count & (count - 1) == 0, (firstVirtualPage + page) % count == 0 {
                    body(page, count.trailingZeroBitCount)
                    page += count
                    continue
                }
            }
            body(page, 0)
            page += 1
        }
    }

    /// The frame number of every base page, refusing pages that are not present and frame
    /// numbers hidden from this process.
    static func frameNumbers(_ address: UnsafeRawPointer, length: Int) throws(SystemError) -> [UInt64] {
        var frames: [UInt64] = []
        frames.reserveCapacity(length / PageSize.base.bytes)
        var missing: Int?
        var hidden = false
        try Residency.forEachPagemapEntry(address, length: length) { entry in
            if entry & Residency.pagemapPresent == 0 {
                if missing == nil { missing = frames.count }
                frames.append(0)
                return
            }
            let frame = entry & Residency.pagemapFrameMask
            if frame == 0 { hidden = true }
            frames.append(frame)
        }
        if let missing {
            throw SystemError("/proc/self/pagemap: base page \(missing) is not present", errno: EFAULT,
                              hint: "populate the range before reading its folios")
        }
        if hidden { throw SystemError("/proc/self/pagemap frame numbers", errno: EPERM, hint: rootHint) }
        return frames
    }

    /// `/proc/kpageflags` for each frame, read one `pread` per physically contiguous run.
    static func pageFlags(frames: [UInt64]) throws(SystemError) -> [UInt64] {
        let file = try FileDescriptor(opening: "/proc/kpageflags", O_RDONLY) { _ in rootHint }
        var flags = [UInt64](repeating: 0, count: frames.count)
        var start = 0
        while start < frames.count {
            var end = start + 1
            while end < frames.count, end - start < Residency.windowPages, frames[end] == frames[end - 1] + 1 { end += 1 }
            let bytes = (end - start) * MemoryLayout<UInt64>.stride
            let got = try flags.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) -> Int in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[(start * MemoryLayout<UInt64>.stride)...].prefix(bytes)),
                                  at: Int(frames[start]) * MemoryLayout<UInt64>.stride)
                }
            }.get()
            guard got == bytes else {
                throw SystemError("pread(/proc/kpageflags)", errno: EIO, hint: "\(got) of \(bytes) bytes read; " + rootHint)
            }
            start = end
        }
        return flags
    }
}
