/// How much user address space a range can have: the ceiling on every size PinBench plans,
/// maps or simulates. x86-64 gives a process 2^47 bytes with 4-level page tables and 2^56
/// with 5-level ones; PinSystem reads which this machine uses (`AddressSpace.current`).
public struct AddressSpace: Sendable, Equatable, CustomStringConvertible {
    /// The largest range, in bytes.
    public var bytes: Int
    /// Where the ceiling comes from, for messages.
    public var reason: String

    public init(bytes: Int, reason: String) {
        self.bytes = bytes
        self.reason = reason
    }

    public static let fourLevel = AddressSpace(bytes: 1 << 47, reason: "x86-64 user address space with 4-level page tables")
    public static let fiveLevel = AddressSpace(bytes: 1 << 56, reason: "x86-64 user address space with 5-level page tables")
    /// What PinCore checks without asking the machine: no machine gives more.
    public static let largest = fiveLevel

    /// Fails when `size` cannot fit.
    public func check(_ size: ByteSize) throws(PlanError) {
        guard size.bytes <= bytes else { throw .beyondAddressSpace(size: size, limit: self) }
    }

    /// "128T (x86-64 user address space with 4-level page tables)".
    public var description: String { "\(ByteSize(bytes)) (\(reason))" }
}
