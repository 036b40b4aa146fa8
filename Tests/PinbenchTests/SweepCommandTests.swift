#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

@Suite("pinbench sweep and report on the command line")
struct SweepCommandTests {
    static func temporaryFolder() -> String {
        let path = NSTemporaryDirectory() + "pinbench-cli-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The records of a set, each parsed as a JSON object; fails on a half-written line.
    static func records(in set: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: "\(set)/runs.jsonl", encoding: .utf8)
        #expect(text.isEmpty || text.hasSuffix("\n"), "runs.jsonl ends in the middle of a line")
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    static let smallSweep = ["sweep", "--backends", "populate", "--memory", "anon", "--sizes", "32M",
                             "--threads", "1,2", "--min-chunk", "4M", "--align", "base", "--seed", "5"]

    @Test("a second sweep on a set in use is refused at once with the holder's pid (two resumes once wrote 294 records for 201 keys)")
    func secondSweepRefused() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let set = folder + "/set"
        let first = try PinbenchProcess.run(["sweep", "--backends", "populate", "--memory", "anon", "--sizes", "4M",
                                            "--threads", "1", "--strategies", "single", "--reps", "1", "--warmup", "0",
                                            "--output", set])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        // Hold the set as a running sweep does: an exclusive flock on its .lock, with our pid in it.
        let fd = open(set + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        try #require(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        let pid = "\(getpid())\n"
        #expect(pwrite(fd, pid, pid.utf8.count, 0) == pid.utf8.count)
        let before = try Self.snapshot(set)
        let second = try PinbenchProcess.run(["sweep", "--resume", set])
        close(fd)
        #expect(second.status == 2, "stderr: \(second.stderr)")
        // Refused before it touched anything: no summary re-rendered from a partial snapshot.
        #expect(try Self.snapshot(set) == before)
        #expect(second.stdout.isEmpty, "\(second.stdout)")
        #expect(second.stderr.contains("is in use by another pinbench sweep (pid \(getpid()))"), "\(second.stderr)")
        let records = try Self.records(in: set)
        #expect(records.count == 1)
        let third = try PinbenchProcess.run(["sweep", "--resume", set])
        #expect(third.status == 0, "once released the set resumes: \(third.stderr)")
    }

    /// Every file under `folder` (recursively) with its size and modification time, in ns.
    static func snapshot(_ folder: String) throws -> [String: [Int]] {
        var files: [String: [Int]] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: folder))
        for case let path as String in enumerator {
            var info = stat()
            guard stat("\(folder)/\(path)", &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            files[path] = [Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
        }
        return files
    }

    @Test("SIGINT ends a sweep cleanly: exit 130, only whole lines on disk, and --resume finishes exactly the rest")
    func interruptAndResume() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let set = "\(folder)/set"
        let process = Process()
        process.executableURL = PinbenchProcess.binary
        process.arguments = Self.smallSweep + ["--reps", "40", "--warmup", "1", "--output", set]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait for a few finished repetitions, then interrupt as Ctrl-C would.
        let deadline = Date().addingTimeInterval(60)
        var lines = 0
        while Date() < deadline && process.isRunning {
            lines = ((try? String(contentsOfFile: "\(set)/runs.jsonl", encoding: .utf8)) ?? "").split(separator: "\n").count
            if lines >= 8 { break }
            usleep(5_000)
        }
        try #require(process.isRunning, "the sweep finished before it could be interrupted")
        process.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "stderr: \(stderr)")
        #expect(stderr.contains("pinbench sweep --resume \(set)"))
        let kept = try Self.records(in: set)
        #expect(kept.count >= 8 && kept.count < 5 * 41)
        #expect(FileManager.default.fileExists(atPath: "\(set)/summary.md"))  // rendered from what was kept

        let resumed = try PinbenchProcess.run(["sweep", "--resume", set])
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        #expect(resumed.stderr.contains("\(5 * 41 - kept.count) repetitions to run (\(kept.count) already on disk)"))
        let all = try Self.records(in: set)
        let pairs = Set(all.map { "\($0["cell"] as? String ?? "?")#\($0["round"] as? Int ?? -1)" })
        #expect(all.count == 5 * 41 && pairs.count == 5 * 41)
        #expect(all.allSatisfy { $0["verified"] as? Bool == true })
        #expect(resumed.stdout.contains("## populate · anon · 32M") && !resumed.stdout.contains("Incomplete"))
    }

    @Test("a finished sweep writes the whole result set, and report re-renders it")
    func resultSet() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try PinbenchProcess.run(Self.smallSweep + ["--reps", "6", "--results", folder, "--label", "cli"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let sets = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(sets.count == 1 && sets[0].hasSuffix("-cli"))
        let set = "\(folder)/\(sets[0])"
        for file in ["sweep.json", "machine.json", "runs.jsonl", "summary.md", "summary.txt", "summary.csv", "README.md", "plots/plots.gp",
                     "plots/populate-anon-32M.dat"] {
            #expect(FileManager.default.fileExists(atPath: "\(set)/\(file)"), "missing \(file)")
        }
        let readme = try String(contentsOfFile: "\(set)/README.md", encoding: .utf8)
        #expect(readme.contains("pinbench sweep --backends populate") && readme.contains("| populate | anon | 32M | 2 |"))
        let machine = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(set)/machine.json"))) as? [String: Any])
        #expect(machine["kernelRelease"] is String && machine["nodes"] is [Any] && machine["numaBalancing"] is String)

        try FileManager.default.removeItem(atPath: "\(set)/summary.md")
        let report = try PinbenchProcess.run(["report", set])
        #expect(report.status == 0, "stderr: \(report.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(set)/summary.md"))
        #expect(report.stdout.contains("Pin, single (1 thread):"))

        let compare = try PinbenchProcess.run(["report", "--compare", set, set])
        #expect(compare.status == 0)
        #expect(compare.stdout.contains("| user | 2 |") && compare.stdout.contains("1.00x"))
    }

    static let badInputs: [(arguments: [String], message: String)] = [
        (["sweep", "--threads", "0"], "thread counts must be at least 1"),
        (["sweep", "--threads", "8..2"], "is empty"),
        (["sweep", "--memory", "thp,bogus"], "unknown memory kind 'bogus'"),
        (["sweep", "--sizes", "1G,,2G"], "has an empty item"),
        (["sweep", "--reps", "0"], "'0' is invalid for '--reps <reps>': out of range 1...100000"),
        (["sweep", "--resume", "/nonexistent/set"], "is not a result set folder"),
        (["sweep", "--resume", "/tmp", "--threads", "2"], "drop --threads"),
        (["sweep", "--output", "/tmp/x", "--label", "y"], "drop --label and --results"),
        (["report", "/nonexistent/set"], "is not a result set folder"),
        (["report", "--compare", "/tmp"], "--compare needs two result sets"),
    ]

    @Test("bad input: a clear message and exit code 2, never a crash", arguments: badInputs)
    func badInput(arguments: [String], message: String) throws {
        let result = try PinbenchProcess.run(arguments)
        #expect(!result.terminatedBySignal)
        #expect(result.status == 2, "exit \(result.status)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test("a sweep where no cell can run says why and exits 2")
    func nothingRunnable() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 8M cannot be made of 1 GiB pages: every cell is skipped, with the reason.
        let result = try PinbenchProcess.run(["sweep", "--memory", "hugetlb-1g", "--sizes", "8M", "--threads", "1",
                                              "--output", "\(folder)/set"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no cell could run") && result.stdout.contains("Skipped cells"))
    }
}
