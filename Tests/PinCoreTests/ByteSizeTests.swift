import PinCore
import Testing

@Suite("ByteSize parsing and printing")
struct ByteSizeTests {
    static let examples: [(String, Int)] = [
        ("4096", 4096), ("4K", 4096), ("4k", 4096), ("4KB", 4096), ("4KiB", 4096),
        ("2M", 2_097_152), ("512MiB", 536_870_912), ("1G", 1_073_741_824), ("1 G", 1_073_741_824),
        ("1.5T", 1_649_267_441_664), ("0.5G", 536_870_912), ("1.25G", 1_342_177_280),
        ("360G", 386_547_056_640), ("2P", 2_251_799_813_685_248),
    ]

    @Test("sizes the way users write them", arguments: examples)
    func parses(text: String, bytes: Int) throws {
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }

    @Test("garbage gives a clear error")
    func rejectsGarbage() {
        #expect(throws: ByteSizeError.empty) { try ByteSize(parsing: "  ") }
        #expect(throws: ByteSizeError.notANumber("G")) { try ByteSize(parsing: "G") }
        #expect(throws: ByteSizeError.notANumber("1.2.3G")) { try ByteSize(parsing: "1.2.3G") }
        #expect(throws: ByteSizeError.unknownUnit("12Q", unit: "Q")) { try ByteSize(parsing: "12Q") }
        #expect(throws: ByteSizeError.negative("-4K")) { try ByteSize(parsing: "-4K") }
        #expect(throws: ByteSizeError.notWholeBytes("1.3")) { try ByteSize(parsing: "1.3") }
        #expect(throws: ByteSizeError.tooLarge("99999999P")) { try ByteSize(parsing: "99999999P") }
        let message = (try? ByteSize(parsing: "lots")).map { _ in "" } ?? ByteSizeError.notANumber("lots").description
        #expect(message.contains("512MiB"))
    }

    @Test("printing is short, exact and round-trips")
    func prints() throws {
        #expect(ByteSize.kib(4).description == "4K")
        #expect(ByteSize.mib(5760).description == "5760M")
        #expect(ByteSize(3 << 39).description == "1.5T")
        #expect(ByteSize(4095).description == "4095")
        #expect(ByteSize.gib(1).humanReadable == "1 GiB")
        let samples: [Int] = [1, 4095, 4096, 12345, 3 << 20, 1_536 << 20, (5 << 30) + 4096, 3 << 39, 1 << 50]
        for bytes in samples {
            #expect(try ByteSize(parsing: ByteSize(bytes).description).bytes == bytes)
        }
    }
}
