import PinEngine

// MARK: - What a record read back may hold

extension RunRecord {
    /// Every numeric field of a record and its range (`FieldRange`), checked by `init(from:)`
    /// right after decoding. A new numeric field gets a row here (`RunRecordValidationTests`
    /// fails for one that has none).
    static let fieldRanges: [CheckedField<RunRecord>] = [
        CheckedField("threads", .workers, \.threads),
        CheckedField("workers", .workers, \.workers),
        CheckedField("sizeBytes", .bytes, \.sizeBytes),
        CheckedField("pages", .positivePageCount, \.pages),
        CheckedField("rep", .repetition, \.rep),
        CheckedField("pinSeconds", .seconds, \.pinSeconds),
        CheckedField("unpinSeconds", .seconds, \.unpinSeconds),
        CheckedField("threadStartSeconds", .seconds, \.threadStartSeconds),
        CheckedField("poolStartSeconds", .seconds, \.poolStartSeconds),
        CheckedField("chunks", .positivePageCount, \.chunks),
        CheckedField("chunkBytes", .bytes, \.chunkBytes),
        CheckedField("cutAlignBytes", .bytes, \.cutAlignBytes),
        CheckedField("cutsInsideFolio", .pageCount, \.cutsInsideFolio),
        CheckedField("minChunkBytes", .bytes, \.minChunkBytes),
        CheckedField("maxThreads", .workers, \.maxThreads),
        CheckedField("hostWarmSeconds", .seconds, \.hostWarmSeconds),
        CheckedField("round", .repetition, \.round),
        CheckedField("backendMetrics", .metric) { record in
            (record.backendMetrics?.values ?? [:]).sorted { $0.key < $1.key }.map { (".\($0.key)", $0.value, "\($0.value)") }
        },
        CheckedField("undo.chunks", .pageCount) { record in record.undo.map { [("", Double($0.chunks), "\($0.chunks)")] } ?? [] },
        CheckedField("undo.bytes", .byteCount) { record in record.undo.map { [("", Double($0.bytes), "\($0.bytes)")] } ?? [] },
        CheckedField("numa.shareOnIntended", .share) { record in
            record.numa?.shareOnIntended.map { [("", $0, "\($0)")] } ?? []
        },
    ]

    /// Checks every field of `fieldRanges`, and each thread's of `ThreadStats.fieldRanges`.
    func checkRanges() throws(FieldRangeError) {
        try Self.fieldRanges.check(self)
        for (index, thread) in perThread.enumerated() {
            try ThreadStats.fieldRanges.check(thread, prefix: "perThread[\(index)].")
        }
    }

    /// The first field out of its documented range ("field pinSeconds is -1.0, outside 0 to
    /// 604800 s"), or nil when every field holds: what reading this record back would refuse.
    public var rangeProblem: String? {
        do { try checkRanges() } catch { return error.description }
        return nil
    }
}
