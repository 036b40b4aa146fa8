import Foundation
import Testing

/// Runs the built `pinbench` binary as users do and checks output and exit codes.
struct PinbenchProcess {
    var status: Int32
    var terminatedBySignal: Bool
    var stdout: String
    var stderr: String

    static var binary: URL {
        // The test bundle sits beside the products in the build folder.
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("pinbench")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let bundle = Bundle.main.bundleURL.appendingPathComponent("pinbench")
        if FileManager.default.isExecutableFile(atPath: bundle.path) { return bundle }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/pinbench")
    }

    /// A wrapper that runs pinbench with `RLIMIT_MEMLOCK` at 4 MiB and, as root, without
    /// `CAP_IPC_LOCK` (which would bypass the limit); fails the test when util-linux lacks a tool.
    static func lowMemlockWrapper() throws -> [String] {
        let prlimit = "/usr/bin/prlimit", setpriv = "/usr/bin/setpriv"
        try #require(FileManager.default.isExecutableFile(atPath: prlimit), "needs prlimit (util-linux)")
        let wrapper = [prlimit, "--memlock=4194304"]
        guard geteuid() == 0 else { return wrapper }
        try #require(FileManager.default.isExecutableFile(atPath: setpriv), "needs setpriv (util-linux) to drop CAP_IPC_LOCK")
        return [setpriv, "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock", "--"] + wrapper
    }

    /// Runs pinbench, behind `wrapper` (a command and its arguments) when one is given.
    static func run(_ arguments: [String], wrapper: [String] = []) throws -> PinbenchProcess {
        let process = Process()
        if let tool = wrapper.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(wrapper.dropFirst()) + [binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return PinbenchProcess(
            status: process.terminationStatus, terminatedBySignal: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite("pinbench on the command line")
struct CommandLineTests {
    @Test("plan prints the RFC example")
    func plan() throws {
        let result = try PinbenchProcess.run(["plan", "--strategy", "kernel", "--size", "360G", "--threads", "16",
                                              "--align", "pmd", "--min-chunk", "128M"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("workers:           16"))
        #expect(result.stdout.contains("chunk size:        5760M"))
        #expect(result.stdout.contains("chunks:            64"))
    }

    static let badInputs: [(arguments: [String], message: String)] = [
        (["run", "--memory", "hugetlb-2m", "--size", "3M", "--threads", "1"], "not a multiple of hugetlb-2m's page size"),
        (["run", "--size", "1G", "--threads", "0"], "'0' is invalid for '--threads <threads>': out of range 1...1048576"),
        (["run", "--size", "64T", "--memory", "anon"], "more than this machine can give"),
        (["run", "--size", "12Q"], "unknown unit 'Q'"),
        (["run", "--backend", "dma"], "unknown backend 'dma'"),
        (["plan", "--size", "1G", "--threads", "0"], "'0' is invalid for '--threads <threads>': out of range 1...1048576"),
        (["plan", "--size", "1G", "--min-chunk", "0"], "'0' is invalid for '--min-chunk <min-chunk>': out of range 1...64P"),
    ]

    @Test("bad input: a clear message and a non-zero exit, never a crash", arguments: badInputs)
    func badInput(arguments: [String], message: String) throws {
        let result = try PinbenchProcess.run(arguments)
        #expect(!result.terminatedBySignal)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test("an empty or small hugepage pool names the command that reserves it")
    func emptyPool() throws {
        // More 1 GiB pages than the pool has available: refused before anything is mapped.
        let directory = "/sys/kernel/mm/hugepages/hugepages-1048576kB"
        guard let text = try? String(contentsOfFile: "\(directory)/free_hugepages", encoding: .utf8),
              let free = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        let result = try PinbenchProcess.run(["run", "--memory", "hugetlb-1g", "--size", "\(free + 1)G", "--threads", "1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("| sudo tee \(directory)/nr_hugepages"), "stderr: \(result.stderr)")
    }

    @Test("RLIMIT_MEMLOCK too low (and no CAP_IPC_LOCK) is refused with what to do",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit")
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs prlimit and setpriv (util-linux) to lower the limit and drop the capability"))
    func memlockTooLow() throws {
        let wrapper = ["/usr/bin/prlimit", "--memlock=1048576:1048576", "/usr/bin/setpriv", "--bounding-set", "-ipc_lock"]
        let result = try PinbenchProcess.run(["run", "--backend", "mlock", "--memory", "anon", "--size", "64M",
                                              "--threads", "1"], wrapper: wrapper)
        #expect(result.status == 2)
        #expect(result.stderr.contains("exceeds RLIMIT_MEMLOCK (1M)"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("ulimit -l unlimited"))
    }

    @Test("run --json writes one verified record per measured repetition with the documented keys")
    func json() throws {
        let result = try PinbenchProcess.run(["run", "--size", "8M", "--memory", "anon", "--threads", "2",
                                              "--reps", "2", "--warmup", "1", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 6)  // 3 strategies x 2 reps, no warm-ups
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in ["strategy", "backend", "memory", "threads", "sizeBytes", "pinSeconds", "unpinSeconds",
                        "threadStartSeconds", "chunks", "verified", "perThread"] {
                #expect(object[key] != nil, "missing \(key)")
            }
            #expect(object["verified"] as? Bool == true)
        }
        #expect(result.stderr.contains("| kernel |"))
    }
}
