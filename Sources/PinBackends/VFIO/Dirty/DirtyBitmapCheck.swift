import PinContract

/// What a read of a dirty bitmap must find, checked untimed after the read.
public enum DirtyBitmapCheck: Sendable, Equatable {
    /// Every page of the range, none past it: type1 with no IOMMU dirty support reports every
    /// pinned page dirty.
    case all
    /// No page: after a clearing read, or where nothing wrote.
    case none
    /// At least `marked` and at most `allowed` (the mock's pattern, `DirtyPattern`).
    case pattern(marked: DirtyBitmap, allowed: DirtyBitmap)

    /// Checks `bitmap`, naming the read (`what`) in the detail.
    public func verify(_ bitmap: DirtyBitmap, _ what: String) -> Verification {
        let set = bitmap.setCount
        let past = bitmap.setPastRange
        guard past == 0 else {
            return .failed("\(what): \(past) bits set past the range's \(bitmap.pages)")
        }
        switch self {
        case .all:
            return Verification(passed: set == bitmap.pages, detail: "\(what): \(set) of \(bitmap.pages) pages dirty (all wanted)")
        case .none:
            return Verification(passed: set == 0, detail: "\(what): \(set) of \(bitmap.pages) pages dirty (none wanted)")
        case .pattern(let marked, let allowed):
            var missing = 0
            var stray = 0
            var widened = 0
            for page in 0..<bitmap.pages {
                let found = bitmap[page]
                if marked[page], !found { missing += 1 }
                if found, !marked[page] { if allowed[page] { widened += 1 } else { stray += 1 } }
            }
            let wanted = marked.setCount
            var detail = "\(what): \(set) of \(bitmap.pages) pages dirty, \(wanted) marked"
            if missing > 0 { detail += ", \(missing) marked pages not found" }
            if stray > 0 { detail += ", \(stray) found that no mark explains" }
            if widened > 0 { detail += ", \(widened) more inside the marked units' IOMMU leaves" }
            return Verification(passed: missing == 0 && stray == 0, detail: detail)
        }
    }
}
