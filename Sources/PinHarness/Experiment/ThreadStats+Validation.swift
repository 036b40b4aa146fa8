import PinEngine

extension ThreadStats {
    /// Every numeric field of a thread's figures and its range.
    static let fieldRanges: [CheckedField<ThreadStats>] = [
        CheckedField("index", .workerIndex, \.index),
        CheckedField("cpu", .cpu, \.cpu),
        CheckedField("pinChunks", .pageCount, \.pinChunks),
        CheckedField("pinBytes", .byteCount, \.pinBytes),
        CheckedField("pinBusySeconds", .seconds, \.pinBusySeconds),
        CheckedField("unpinChunks", .pageCount, \.unpinChunks),
        CheckedField("unpinBytes", .byteCount, \.unpinBytes),
        CheckedField("unpinBusySeconds", .seconds, \.unpinBusySeconds),
    ]
}
