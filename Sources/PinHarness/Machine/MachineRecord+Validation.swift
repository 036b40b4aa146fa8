// MARK: - What machine.json may hold

extension MachineRecord {
    /// Every numeric field of `machine.json` that a table prints, and its range (`FieldRange`).
    static let fieldRanges: [CheckedField<MachineRecord>] = [
        CheckedField("onlineCPUs", .machineCount, \.onlineCPUs),
        CheckedField("physicalCores", .machineCount, \.physicalCores),
        CheckedField("sockets", .machineCount, \.sockets),
        CheckedField("allowedCPUs", .machineCount, \.allowedCPUs),
        CheckedField("memoryTotalBytes", .byteCount, \.memoryTotalBytes),
        CheckedField("memoryAvailableBytes", .byteCount, \.memoryAvailableBytes),
        CheckedField("hugepagePools", .byteCount) { machine in
            machine.hugepagePools.enumerated().flatMap { index, pool in
                [("[\(index)].pageSizeBytes", Double(pool.pageSizeBytes), "\(pool.pageSizeBytes)"),
                 ("[\(index)].total", Double(pool.total), "\(pool.total)"),
                 ("[\(index)].free", Double(pool.free), "\(pool.free)")]
            }
        },
    ]

    /// Every field of `fieldRanges` in its range, or the first that is not.
    func checkRanges() throws(FieldRangeError) { try Self.fieldRanges.check(self) }

    /// The first field out of its documented range, or nil when every field holds: what
    /// `ResultSet.machineLine` would call unreadable.
    public var rangeProblem: String? {
        do { try checkRanges() } catch { return error.description }
        return nil
    }
}
