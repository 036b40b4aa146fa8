/// What one thread did in one job.
public struct ThreadStats: Sendable, Equatable, Codable {
    /// 0 is the calling thread for `single` and `kernel`; for `user` the slice index.
    public var index: Int
    /// The CPU the thread was on when the pin phase started (`sched_getcpu`).
    public var cpu: Int
    public var pinChunks: Int
    public var pinBytes: Int
    /// Seconds spent inside backend calls during the pin phase.
    public var pinBusySeconds: Double
    public var unpinChunks: Int
    public var unpinBytes: Int
    public var unpinBusySeconds: Double

    public init(index: Int) {
        self.index = index
        self.cpu = -1
        self.pinChunks = 0
        self.pinBytes = 0
        self.pinBusySeconds = 0
        self.unpinChunks = 0
        self.unpinBytes = 0
        self.unpinBusySeconds = 0
    }
}
