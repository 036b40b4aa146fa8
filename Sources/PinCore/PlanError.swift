/// Why a plan (or a job's shape) cannot be made.
public enum PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyRange
    case sizeNotPageMultiple(size: ByteSize, kind: MemoryKind)
    case zeroThreads
    case invalidParameter(String)
    /// A size no address space can hold (checked before any arithmetic on it).
    case beyondAddressSpace(size: ByteSize, limit: AddressSpace)

    public var description: String {
        switch self {
        case .emptyRange:
            return "the size must be larger than zero"
        case .sizeNotPageMultiple(let size, let kind):
            let page = kind.pageSize.bytes
            let below = roundDown(size.bytes, toMultipleOf: page)
            // The size above may not exist (a size near Int.max): then only the one below.
            let (above, overflow) = below.addingReportingOverflow(page)
            let suggestion = overflow ? ByteSize(below).description
                : below > 0 ? "\(ByteSize(below)) or \(ByteSize(above))" : ByteSize(above).description
            return "size \(size) is not a multiple of \(kind)'s page size \(ByteSize(page)): use \(suggestion)"
        case .zeroThreads:
            return "the thread count must be at least 1"
        case .invalidParameter(let message):
            return message
        case .beyondAddressSpace(let size, let limit):
            return "size \(size) cannot be mapped: a range must fit the address space, at most \(limit)"
        }
    }
}
