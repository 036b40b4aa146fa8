/// A piece of a region handed to one thread at a time, as byte offsets from the region's start.
public struct Chunk: Hashable, Sendable, Codable, CustomStringConvertible {
    public var offset: Int
    public var length: Int

    public init(offset: Int, length: Int) {
        self.offset = offset
        self.length = length
    }

    public var end: Int { offset + length }

    public var description: String { "[\(ByteSize(offset)), \(ByteSize(end)))" }
}
