import PinBackends
import Testing

/// The known pattern the mock domain is told to mark, and the pages a read may find: whole
/// units, every third plus the first and the last, widened only to aligned, physically
/// contiguous blocks (the IOMMU leaves 7.2's AMDv1 mock may map them with).
@Suite("dirty tracking: the mock's known pattern")
struct DirtyPatternTests {
    @Test("every third unit, the first and the last, whole")
    func units() {
        let pattern = DirtyPattern(pages: 40, unitPages: 4)  // 10 units
        let markedUnits = (0..<10).filter { pattern.marked[$0 * 4] }
        #expect(markedUnits == [0, 3, 6, 9])
        for unit in markedUnits { #expect((0..<4).allSatisfy { pattern.marked[unit * 4 + $0] }) }
        #expect(pattern.marked.setCount == 16)
        #expect(DirtyPattern(pages: 8, unitPages: 1).marked.setCount == 4)  // 0, 3, 6, 7
    }

    @Test("at the mock's 2K granule each marked 4K page is two bits")
    func granules() {
        let pattern = DirtyPattern(pages: 8, unitPages: 1)
        let marks = pattern.marks(granuleBytes: 2048, pageBytes: 4096)
        #expect(marks.pages == 16)
        #expect(marks.setCount == 8)
        #expect(marks[0] && marks[1] && !marks[2] && marks[6] && marks[7] && marks[14] && marks[15])
    }

    @Test("frames contiguous and aligned widen a marked unit to the block; a break or misalignment does not")
    func widening() {
        let pattern = DirtyPattern(pages: 8, unitPages: 1)  // marks 0, 3, 6, 7
        // Pages 0-3 one aligned run of 4 frames (16...19), 4-7 scattered.
        let frames: [UInt64] = [16, 17, 18, 19, 100, 7, 200, 301]
        let allowed = pattern.widened(frames: frames, maxBlockPages: 8)
        #expect((0..<4).allSatisfy { allowed[$0] })
        #expect(!allowed[4] && !allowed[5] && allowed[6] && allowed[7])
        // The same run starting at an odd frame is no leaf of more than one page.
        let odd = pattern.widened(frames: [17, 18, 19, 20, 100, 7, 200, 301], maxBlockPages: 8)
        #expect(odd == pattern.marked)
        // Hidden frames (zero) or a wrong count: exactly the marks.
        #expect(pattern.widened(frames: [UInt64](repeating: 0, count: 8), maxBlockPages: 8) == pattern.marked)
        #expect(pattern.widened(frames: [1, 2], maxBlockPages: 8) == pattern.marked)
        // The cap holds: blocks of 2 pages widen page 0 to 0-1 and page 3 to 2-3, no more;
        // a cap of one page widens nothing.
        let capped = pattern.widened(frames: [16, 17, 18, 19, 20, 21, 22, 23], maxBlockPages: 2)
        #expect(capped[1] && capped[2] && !capped[4] && !capped[5] && capped[6] && capped[7])
        #expect(pattern.widened(frames: frames, maxBlockPages: 1) == pattern.marked)
        // Leaves are aligned in IOVA: two pages into an aligned block of IOVA, no block of 4 or 8
        // is aligned in both IOVA and frames, so marks widen to pairs only; at offset 0 the whole
        // contiguous run is one leaf.
        let run: [UInt64] = [16, 17, 18, 19, 20, 21, 22, 23]
        #expect(pattern.widened(frames: run, maxBlockPages: 8).setCount == 8)
        let shifted = pattern.widened(frames: run, maxBlockPages: 8, iovaPageOffset: 2)
        #expect((0..<8).filter { shifted[$0] } == [0, 1, 2, 3, 6, 7])
    }
}
