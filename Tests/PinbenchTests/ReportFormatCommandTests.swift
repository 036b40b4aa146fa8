import Foundation
import Testing

@Suite("pinbench report --format on the command line")
struct ReportFormatCommandTests {
    /// A result set of synthetic records: populate on 2G of thp, single and user/kernel at 1 and
    /// 2 threads, six rounds each after a warm-up; a `sweep.json`-less set, as `run --jsonl` makes.
    static func syntheticSet() throws -> String {
        let folder = SweepCommandTests.temporaryFolder()
        var lines: [String] = []
        for (strategy, threads, pin) in [("single", 1, 0.733), ("user", 1, 0.759), ("user", 2, 0.107),
                                         ("kernel", 1, 0.644), ("kernel", 2, 0.144)] {
            for round in 0...6 {
                let seconds = pin * (1 + Double(round % 3) * 0.04) * (round == 0 ? 2.5 : 1)
                lines.append("""
                    {"backend":"populate","cell":"populate/thp/2G/\(strategy)/\(threads)","chunks":\(threads),\
                    "cutAlignBytes":4096,"cutsInsideFolio":0,"implementation":"pinbench","memory":"thp","pages":524288,\
                    "perThread":[],"pinSeconds":\(seconds),"pinnedCheck":"ok","prefault":false,"rep":\(round),\
                    "round":\(round),"seed":5,"sizeBytes":2147483648,"strategy":"\(strategy)","threadStartSeconds":0,\
                    "threads":\(threads),"unpinSeconds":\(seconds / 160),"unpinnedCheck":"ok","verified":true,\
                    "warmup":\(round == 0),"workers":\(threads)}
                    """)
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/runs.jsonl", atomically: true, encoding: .utf8)
        return folder
    }

    @Test("--format text prints lines of at most 72 columns and writes summary.txt; the others print their own form")
    func formats() throws {
        let set = try Self.syntheticSet()
        defer { try? FileManager.default.removeItem(atPath: set) }
        let text = try PinbenchProcess.run(["report", set, "--format", "text"])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains { $0.hasPrefix("threads  user median") }, "\(text.stdout)")
        for line in lines { #expect(line.count <= 72, "\(line.count) columns: \(line)") }
        #expect(!text.stdout.contains("|"))
        #expect(text.stderr.contains("rewrote summary.md, summary.txt, summary.csv"))
        #expect(try String(contentsOfFile: set + "/summary.txt", encoding: .utf8) == text.stdout)
        // summary.md stays Markdown whatever is printed.
        #expect(try String(contentsOfFile: set + "/summary.md", encoding: .utf8).contains("| threads | user median |"))

        let csv = try PinbenchProcess.run(["report", set, "--format", "csv"])
        let summaryCSV = try String(contentsOfFile: set + "/summary.csv", encoding: .utf8)
        #expect(csv.status == 0 && csv.stdout == summaryCSV)
        let json = try PinbenchProcess.run(["report", set, "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((document["cells"] as? [Any])?.count == 5)

        let compare = try PinbenchProcess.run(["report", "--compare", set, set, "--format", "text", "--output", set + "/cmp.txt"])
        #expect(compare.status == 0, "stderr: \(compare.stderr)")
        #expect(compare.stdout.contains("populate · thp · 2G\n-------------------\n"))
        for line in compare.stdout.split(separator: "\n") { #expect(line.count <= 72, "\(line)") }
        #expect(try String(contentsOfFile: set + "/cmp.txt", encoding: .utf8) == compare.stdout)
    }

    @Test("a format that is none of the choices is refused with the choices", arguments: [
        ["report", "/tmp", "--format", "bogus"], ["report", "--compare", "/tmp", "/tmp", "--format", "bogus"],
        ["run", "--format", "bogus"],
    ])
    func bogus(arguments: [String]) throws {
        let result = try PinbenchProcess.run(arguments)
        #expect(!result.terminatedBySignal)
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("unknown format 'bogus': choose one of text, markdown, csv, json"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
