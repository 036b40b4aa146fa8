/// The fixed buffers an io_uring instance holds, as the kernel lists them in
/// `/proc/<pid>/fdinfo/<ring fd>`: a `UserBufs:\t<n>` line, then one `<index>: 0x<address>/<length>`
/// line per buffer (`<none>` for an empty slot). A registered buffer is pinned for as long as it
/// is listed, whether or not the kernel charged it to `VmPin`: since 7.x io_uring charges
/// nothing for a process with `CAP_IPC_LOCK`, so this list is the witness that remains.
public struct RegisteredBufferList: Sendable, Equatable {
    public struct Buffer: Sendable, Equatable {
        public var address: UInt64
        public var length: Int

        public init(address: UInt64, length: Int) {
            self.address = address
            self.length = length
        }
    }

    /// The listed buffers, empty slots left out.
    public var buffers: [Buffer]
    /// What the `UserBufs:` line says (slots, filled or not).
    public var slots: Int

    /// The sum of the buffers' lengths.
    public var bytes: Int { buffers.reduce(0) { $0 + $1.length } }

    /// The most one buffer may be (the kernel's `SZ_1G`) and the most slots (`IORING_MAX_REG_BUFFERS`).
    public static let maxBufferBytes = 1 << 30
    public static let maxSlots = 1 << 14

    /// Parses an fdinfo text; nil when it has no `UserBufs:` line (not an io_uring, or a kernel
    /// that does not list them). Throws on a line it cannot read or a value out of range, so a
    /// changed format is said, never summed wrong.
    public init?(fdinfo text: String) throws(RegisteredBufferListError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("UserBufs:") }) else { return nil }
        let count = lines[start].dropFirst("UserBufs:".count).trimmingWhitespace()
        guard let slots = Int(count), slots >= 0, slots <= Self.maxSlots else {
            throw .unreadable("UserBufs: \(count.prefix(40))")
        }
        self.slots = slots
        buffers = []
        // One line per slot, in order, follows; the next section begins with a line that is
        // not an index.
        var previous = -1
        for line in lines[(start + 1)...] {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let index = Int(parts[0].trimmingWhitespace()) else { break }
            guard index > previous, index < slots else { throw .unreadable(String(line.prefix(80))) }
            previous = index
            let value = parts[1].trimmingWhitespace()
            if value == "<none>" { continue }
            let fields = value.split(separator: "/")
            guard fields.count == 2, fields[0].hasPrefix("0x"),
                  let address = UInt64(fields[0].dropFirst(2), radix: 16),
                  let length = Int(fields[1]), length >= 0, length <= Self.maxBufferBytes
            else { throw .unreadable(String(line.prefix(80))) }
            buffers.append(Buffer(address: address, length: length))
        }
    }
}
