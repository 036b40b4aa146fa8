import PinBackends
import PinContract
import Testing

/// The bitmap a tracker reads into, and the checks of what a read must find, on synthetic
/// bitmaps: type1's every pinned page, none after a clearing read, the mock's pattern.
@Suite("dirty tracking: bitmaps and their checks")
struct DirtyBitmapTests {
    @Test("a bitmap of n pages is n bits in whole words, with a spare word past them", arguments: [1, 63, 64, 65, 4096])
    func sizes(pages: Int) {
        var bitmap = DirtyBitmap(pages: pages)
        #expect(bitmap.byteCount == (pages + 63) / 64 * 8)
        #expect(bitmap.words.count == (pages + 63) / 64 + 1)
        bitmap[pages - 1] = true
        bitmap[0] = true
        #expect(bitmap.setCount == (pages == 1 ? 1 : 2))
        #expect(bitmap.setPastRange == 0)
    }

    @Test("all: every bit of the range passes; one missing fails; one bit past the range fails")
    func all() {
        var bitmap = DirtyBitmap(pages: 100)
        for page in 0..<100 { bitmap[page] = true }
        #expect(DirtyBitmapCheck.all.verify(bitmap, "read").passed)
        #expect(DirtyBitmapCheck.all.verify(bitmap, "read").detail == "read: 100 of 100 pages dirty (all wanted)")
        var missing = bitmap
        missing[57] = false
        #expect(!DirtyBitmapCheck.all.verify(missing, "read").passed)
        // A kernel that writes a bit past the range it was asked for: in the last word's tail
        // and in the spare word.
        var past = bitmap
        past.withAddress { address in
            UnsafeMutablePointer<UInt64>(bitPattern: UInt(address))![1] |= 1 << 40
        }
        #expect(past.setPastRange == 1)
        #expect(!DirtyBitmapCheck.all.verify(past, "read").passed)
        var spare = bitmap
        spare.withAddress { address in
            UnsafeMutablePointer<UInt64>(bitPattern: UInt(address))![2] = 1
        }
        #expect(!DirtyBitmapCheck.all.verify(spare, "read").passed)
    }

    @Test("none: an empty bitmap passes, one bit fails; clear empties the spare word too")
    func none() {
        var bitmap = DirtyBitmap(pages: 70)
        #expect(DirtyBitmapCheck.none.verify(bitmap, "after clear").passed)
        bitmap[69] = true
        #expect(!DirtyBitmapCheck.none.verify(bitmap, "after clear").passed)
        bitmap.clear()
        #expect(bitmap.setCount == 0 && bitmap.setPastRange == 0)
    }

    @Test("pattern: the marked pages pass, a missing one fails, a stray one fails, one inside an allowed leaf passes and is said")
    func pattern() {
        let pattern = DirtyPattern(pages: 64, unitPages: 4)
        let allowed = pattern.widened(frames: nil, maxBlockPages: 64)
        #expect(allowed == pattern.marked)
        let check = DirtyBitmapCheck.pattern(marked: pattern.marked, allowed: allowed)
        #expect(check.verify(pattern.marked, "read").passed)
        var missing = pattern.marked
        missing[0] = false
        #expect(!check.verify(missing, "read").passed)
        #expect(check.verify(missing, "read").detail.contains("1 marked pages not found"))
        var stray = pattern.marked
        stray[4] = true  // unit 1 is not marked
        #expect(!check.verify(stray, "read").passed)
        var wider = allowed
        wider[4] = true
        let widened = DirtyBitmapCheck.pattern(marked: pattern.marked, allowed: wider)
        #expect(widened.verify(stray, "read").passed)
        #expect(widened.verify(stray, "read").detail.contains("1 more inside the marked units' IOMMU leaves"))
    }
}
