/// Why a plan (or a job's shape) cannot be made.
public enum PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyRange
    case sizeNotPageMultiple(size: ByteSize, kind: MemoryKind)
    case zeroThreads
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .emptyRange:
            return "the size must be larger than zero"
        case .sizeNotPageMultiple(let size, let kind):
            let page = kind.pageSize.bytes
            let below = roundDown(size.bytes, toMultipleOf: page)
            let above = roundUp(size.bytes, toMultipleOf: page)
            let suggestion = below > 0
                ? "\(ByteSize(below)) or \(ByteSize(above))" : ByteSize(above).description
            return "size \(size) is not a multiple of \(kind)'s page size \(ByteSize(page)): use \(suggestion)"
        case .zeroThreads:
            return "the thread count must be at least 1"
        case .invalidParameter(let message):
            return message
        }
    }
}
