/// An fdinfo text whose buffer list cannot be read.
public enum RegisteredBufferListError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)

    public var description: String {
        switch self {
        case .unreadable(let line): "io_uring fdinfo: cannot read '\(line)'"
        }
    }
}
