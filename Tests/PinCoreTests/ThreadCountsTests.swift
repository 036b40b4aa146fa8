import PinCore
import Testing

@Suite("Thread count lists and ranges")
struct ThreadCountsTests {
    static let accepted: [(text: String, cpus: Int, values: [Int])] = [
        ("4", 16, [4]),
        ("1,2,4,8", 16, [1, 2, 4, 8]),
        ("8, 1,4 ,1", 16, [1, 4, 8]),  // sorted, duplicates dropped, spaces ignored
        ("1..64", 16, [1, 2, 4, 8, 16, 32, 64]),
        ("1..nproc", 2, [1, 2]),
        ("1..nproc", 96, [1, 2, 4, 8, 16, 32, 64, 96]),  // the end is kept when not a power of two
        ("3..20", 16, [3, 4, 8, 16, 20]),
        ("2..10:4", 16, [2, 6, 10]),
        ("1..7:3", 16, [1, 4, 7]),  // the end is always visited
        ("nproc", 12, [12]),
        ("1..cpus,48", 8, [1, 2, 4, 8, 48]),
        ("5..5", 16, [5]),
    ]

    @Test("lists and ranges as users type them", arguments: accepted)
    func parses(text: String, cpus: Int, values: [Int]) throws {
        #expect(try ThreadCounts(parsing: text, cpus: cpus).values == values)
    }

    static let refused: [(text: String, error: ThreadCountsError)] = [
        ("", .malformed("")),
        ("1,,2", .malformed("1,,2")),
        ("two", .malformed("two")),
        ("0", .notPositive("0")),
        ("-1..4", .notPositive("-1..4")),
        ("8..2", .emptyRange("8..2")),
        ("1..8:0", .badStep("1..8:0")),
        ("1..8:x", .badStep("1..8:x")),
        ("1..", .malformed("1..")),
    ]

    @Test("bad lists say what is accepted", arguments: refused)
    func refuses(text: String, error: ThreadCountsError) {
        #expect(throws: error) { try ThreadCounts(parsing: text, cpus: 4) }
    }

    @Test("the message names the accepted forms")
    func message() {
        #expect(ThreadCountsError.malformed("x").description.contains("1..nproc"))
        #expect(ThreadCounts([8, 1, 2, 2]).description == "1,2,8")
    }
}

@Suite("Thread-count lists a fuzzer wrote")
struct ThreadCountsBoundsTests {
    @Test("a huge stepped range is refused at once (it ran forever), as are counts past the planner's bound and Int.max", arguments: [
        "2..6666666666666633320:2", "2..1048576:1", "9223372036854775807..9223372036854775807", "1..9223372036854775807", "2097152",
    ])
    func refused(text: String) {
        #expect(throws: ThreadCountsError.self) { try ThreadCounts(parsing: text, cpus: 2) }
    }

    @Test("the bounds themselves are accepted")
    func edges() throws {
        #expect(try ThreadCounts(parsing: "1..1048576", cpus: 2).values.last == 1 << 20)
        #expect(try ThreadCounts(parsing: "1..1024:1", cpus: 2).values.count == 1024)
    }
}
