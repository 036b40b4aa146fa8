/// A dirty bitmap as the kernel writes it: one bit per `pageSize` bytes of IOVA from the
/// range's start, in 64-bit words, bit `i % 64` of word `i / 64`. One spare word past the
/// range is kept zeroed, so a kernel that writes past the bits it was asked for is seen.
public struct DirtyBitmap: Sendable, Equatable {
    /// Bits that belong to the range.
    public let pages: Int
    public private(set) var words: [UInt64]

    /// A zeroed bitmap of `pages` bits (and the spare word).
    public init(pages: Int) {
        precondition(pages >= 0)
        self.pages = pages
        words = [UInt64](repeating: 0, count: (pages + 63) / 64 + 1)
    }

    /// The bytes the kernel is told it may write: the range's bits rounded up to whole words
    /// (both trackers copy out whole `u64`s).
    public var byteCount: Int { (pages + 63) / 64 * 8 }

    public subscript(page: Int) -> Bool {
        get { words[page / 64] & (1 << UInt64(page % 64)) != 0 }
        set {
            if newValue { words[page / 64] |= 1 << UInt64(page % 64) } else { words[page / 64] &= ~(1 << UInt64(page % 64)) }
        }
    }

    /// Zeroes every word, the spare one too.
    public mutating func clear() {
        for index in words.indices { words[index] = 0 }
    }

    /// Bits set among the range's.
    public var setCount: Int {
        var count = 0
        for index in 0..<(pages / 64) { count += words[index].nonzeroBitCount }
        if pages % 64 != 0 { count += (words[pages / 64] & ((1 << UInt64(pages % 64)) - 1)).nonzeroBitCount }
        return count
    }

    /// Bits set past the range (in the last word's tail or the spare word).
    public var setPastRange: Int {
        var count = 0
        if pages % 64 != 0 { count += (words[pages / 64] & ~((1 << UInt64(pages % 64)) - 1)).nonzeroBitCount }
        for index in ((pages + 63) / 64)..<words.count { count += words[index].nonzeroBitCount }
        return count
    }

    /// Runs `body` with the bitmap's address for the kernel to write (the spare word included
    /// in the buffer, never in the size the kernel is given).
    public mutating func withAddress<R, E: Error>(_ body: (UInt64) throws(E) -> R) throws(E) -> R {
        try words.withUnsafeMutableBufferPointer { buffer in
            Result { () throws(E) -> R in try body(UInt64(UInt(bitPattern: buffer.baseAddress))) }
        }.get()
    }
}
