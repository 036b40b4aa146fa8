#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PinTestSupport
import Testing

/// `kill -9` of `pinbench sweep --reserve-hugepages` once left the 2 MiB pool at 512 pages, and
/// nothing gave them back (issue 17). The journal does, at the next pinbench start.
@Suite("A killed pinbench's hugepages are given back by the next one",
       .enabled(if: geteuid() == 0 && access("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", W_OK) == 0,
                "needs root and a 2 MiB hugetlb pool to grow"),
       // One kill at a time: a sweep that finds another's fresh pages free reserves none and
       // journals nothing (CI once ran the three points at once and "journaled" saw no entry).
       .serialized)
struct JournalCommandTests {
    static let pool = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"

    static func poolTotal() -> Int { Int((try? String(contentsOfFile: pool, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1 }

    static func entries(_ journal: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: journal)) ?? []).filter { $0.hasSuffix(".json") }
    }

    /// A region size the pool cannot already give: 64 pages more than are available now, more
    /// than the other suites' reservations (at most 44 pages, all at once) can leave free.
    static func sweepSize() -> String {
        let directory = "/sys/kernel/mm/hugepages/hugepages-2048kB"
        func read(_ name: String) -> Int {
            Int((try? String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        }
        let available = max(read("free_hugepages") - read("resv_hugepages"), 0)
        return "\((available + 64) * 2)M"
    }

    /// Starts a sweep that reserves 2 MiB pages, waits for `point`, kills it with SIGKILL.
    static func killSweep(journal: String, output: String, point: String) throws {
        let process = Process()
        process.executableURL = PinbenchProcess.binary
        process.arguments = ["sweep", "--backends", "populate", "--memory", "hugetlb-2m", "--sizes", sweepSize(), "--threads", "1,2",
                             "--reps", "200", "--warmup", "0", "--reserve-hugepages", "--output", output]
        process.environment = ProcessInfo.processInfo.environment.merging(["PINBENCH_JOURNAL": journal]) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        switch point {
        case "journaled":  // as soon as the entry is on disk, before or while the pool grows
            while entries(journal).isEmpty, Date() < deadline { usleep(1000) }
        case "reserved":  // the sweep said it reserved the pages
            var seen = Data()
            while !String(decoding: seen, as: UTF8.self).contains("reserved"), Date() < deadline {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen.append(chunk)
            }
        default:  // mid-sweep, pages mapped and pinned
            while entries(journal).isEmpty, Date() < deadline { usleep(1000) }
            usleep(1_500_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
    }

    @Test("SIGKILL at three points of a reserving sweep: the next start gives back every page, and doctor then says nothing is left",
          arguments: ["journaled", "reserved", "mid-sweep"])
    func killed(point: String) throws {
        try HugepageTestLock.exclusive {
            let folder = NSTemporaryDirectory() + "pinbench-journal-\(UUID().uuidString)"
            let journal = folder + "/journal"
            try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let before = Self.poolTotal()
            try Self.killSweep(journal: journal, output: folder + "/set", point: point)
            #expect(Self.entries(journal).count == 1, "the killed sweep's entry is left: \(Self.entries(journal))")

            let next = try PinbenchProcess.run(["plan", "--size", "4M"], wrapper: ["/usr/bin/env", "PINBENCH_JOURNAL=\(journal)"])
            #expect(next.status == 0)
            #expect(next.stderr.contains("a pinbench that is gone (pid"), "\(next.stderr)")
            #expect(next.stderr.contains("gave them back"), "\(next.stderr)")
            #expect(Self.entries(journal).isEmpty)
            // Other tests may hold pages of the pool for a moment; ours must all be back.
            let deadline = Date().addingTimeInterval(20)
            while Self.poolTotal() > before, Date() < deadline { usleep(100_000) }
            #expect(Self.poolTotal() <= before, "pool \(before) before, \(Self.poolTotal()) after")

            let doctor = try PinbenchProcess.run(["doctor"], wrapper: ["/usr/bin/env", "PINBENCH_JOURNAL=\(journal)"])
            #expect(doctor.stdout.contains("[ok] pinbench journal (\(journal)): nothing left to give back"), "\(doctor.stdout)")
        }
    }
}
