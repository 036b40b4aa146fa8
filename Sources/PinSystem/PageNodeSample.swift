/// Which node each of a sample of a region's pages is on (`move_pages` in status mode).
public struct PageNodeSample: Sendable, Equatable, Codable {
    /// Pages asked about.
    public var sampled: Int
    /// Node id -> pages found there.
    public var pagesByNode: [Int: Int]
    /// Pages not present (never faulted, or released).
    public var absent: Int
    /// Pages `move_pages` gave another error for (the negative errno, counted).
    public var errors: Int

    public init(sampled: Int, pagesByNode: [Int: Int], absent: Int, errors: Int) {
        self.sampled = sampled
        self.pagesByNode = pagesByNode
        self.absent = absent
        self.errors = errors
    }

    /// Pages found on some node: neither absent nor in error.
    public var present: Int { sampled - absent - errors }

    /// Pages found on any of `nodes`.
    public func pages(on nodes: [Int]) -> Int { nodes.reduce(0) { $0 + (pagesByNode[$1] ?? 0) } }
}
