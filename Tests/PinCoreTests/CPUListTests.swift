import PinCore
import Testing

@Suite("CPU lists are bounded")
struct CPUListBoundsTests {
    @Test("a list that repeats the whole CPU range is refused instead of growing without end; the full range is accepted")
    func repeated() {
        #expect(CPUList.parse("0-65535")?.count == 65_536)
        #expect(CPUList.parse("0-65535,0") == nil)
        #expect(CPUList.parse(Array(repeating: "0-65535", count: 50).joined(separator: ",")) == nil)
    }
}
