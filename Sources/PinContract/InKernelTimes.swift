import PinSystem

/// What the kernel itself timed in one run (PinBench's module, `ktime`): every call of each
/// phase, in chunk order, with its workers. Carried in the run record beside the userspace times.
public struct InKernelTimes: Sendable, Equatable, Codable {
    /// One module call: the chunk (or whole region) it covered, and its answer.
    public struct Call: Sendable, Equatable, Codable {
        /// Byte offset of the call's range in the region.
        public var offset: Int
        public var call: PinBenchModule.Call

        public init(offset: Int, call: PinBenchModule.Call) {
            self.offset = offset
            self.call = call
        }
    }

    public var pin: [Call]
    public var unpin: [Call]

    public init(pin: [Call], unpin: [Call]) {
        self.pin = pin.sorted { $0.offset < $1.offset }
        self.unpin = unpin.sorted { $0.offset < $1.offset }
    }

    /// The longest call of a phase: the whole phase for one call, the slowest slice for many.
    public static func longestSeconds(_ calls: [Call]) -> Double { calls.map(\.call.totalSeconds).max() ?? 0 }

    /// The kernel's time of the pin phase: its longest call.
    public var pinSeconds: Double { Self.longestSeconds(pin) }

    /// The kernel's time of the unpin phase: its longest call.
    public var unpinSeconds: Double { Self.longestSeconds(unpin) }

    /// The bytes of run arrays the module held the pins in: every pin call's, since all of a
    /// run's pins are held at once before any unpin. Nil when no call says (a module before uAPI 3).
    public var pinRunBytes: Int? {
        let known = pin.compactMap(\.call.runBytes)
        return known.isEmpty ? nil : known.reduce(0, +)
    }

    /// Every worker of a phase in order: a per-chunk call's one worker is the slice's thread.
    public static func workers(_ calls: [Call]) -> [PinBenchModule.Worker] { calls.flatMap(\.call.workers) }
}
