import CPinSys
import PinContract
import PinCore

// MARK: - Exact counts

extension SimulatedMemory {
    /// Checks every record against what one pin of every page (`pinned`) or none leaves:
    /// a small folio's refcount 1 + 1024 or 1; a large folio's refcount 1 + its pages or 1 and
    /// its pin count its pages or 0; tails at refcount 0 pointing at their head; after a pin,
    /// every page-array entry pointing at its page's record. Reads the whole memmap (untimed).
    func verify(pinned: Bool) -> Verification {
        let bias = Int(CPINSYS_SIM_PIN_BIAS)
        var wrong = 0
        var firstWrong: String?
        var seen = FolioCensus()
        var page = 0
        while page < pages {
            let head = memmap + page
            let order = Int(cpinsys_sim_folio_order(head))
            let folioPages = 1 << order
            var problems: [String] = []
            if head.pointee.compound_head & 1 != 0 { problems.append("a tail where a folio should start") }
            let refcount = Int(head.pointee.refcount)
            let expectedRefcount = 1 + (pinned ? (order == 0 ? bias : folioPages) : 0)
            if refcount != expectedRefcount { problems.append("refcount \(refcount) (expected \(expectedRefcount))") }
            if order > 0 {
                let pincount = Int(head[1].pincount)
                let expectedPincount = pinned ? folioPages : 0
                if pincount != expectedPincount { problems.append("pincount \(pincount) (expected \(expectedPincount))") }
            }
            let headBits = UInt64(UInt(bitPattern: head)) | 1
            for tail in 1..<max(folioPages, 1) where head[tail].refcount != 0 || head[tail].compound_head != headBits {
                problems.append("tail \(tail) refcount \(head[tail].refcount) or head pointer wrong")
                break
            }
            if pinned {
                for index in 0..<folioPages where pageArray[page + index] != head + index {
                    problems.append("page array entry \(page + index) wrong")
                    break
                }
            }
            if !problems.isEmpty {
                wrong += 1
                if firstWrong == nil {
                    firstWrong = "folio at base page \(page) (\(ByteSize(PageSize.base.bytes << order))): "
                        + problems.joined(separator: ", ")
                }
            }
            seen.add(order: order)
            page += folioPages
        }
        let what = "\(seen.folios) folios (\(seen)) over \(pages) base pages"
        if seen != census {
            return .failed("\(what): the layout was \(census)")
        }
        if let firstWrong {
            return .failed("\(wrong) of \(what) off; first \(firstWrong)")
        }
        return Verification(
            passed: true,
            detail: pinned
                ? "\(what): refcounts, pin counts and page array exact" : "\(what): all back to refcount 1, pin count 0")
    }
}
