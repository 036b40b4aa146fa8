import Foundation
import Testing

/// `pinbench hold` as users run it. mlock and vfio move the process's `VmLck` and `VmPin`, so
/// those holds run here, each in its own pinbench process, never inside the test process.
@Suite("pinbench hold on the command line")
struct HoldCommandTests {
    static let tableHeader =
        "| region | seconds | passes | ns/page touched (median) | pages by node (end) | numa_pte_updates | numa_hint_faults | numa_pages_migrated |"

    @Test("mlock: pinned, touched each second, unpinned, then the unpinned region; the table has both rows")
    func mlock() throws {
        let result = try PinbenchProcess.run(["hold", "--backend", "mlock", "--size", "16M", "--seconds", "1"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains(Self.tableHeader), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("| pinned by mlock | 1.00 |"))
        #expect(result.stdout.contains("| unpinned | 1.00 |"))
        #expect(result.stdout.contains("numa_balancing "))
        #expect(result.stdout.contains("VmLck +16M (expected +16M)"))
        #expect(result.stderr.contains("[pinned by mlock] 1.0 s: "), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("ns/page, numa_pte_updates +"))
        #expect(result.stderr.contains("[unpinned] 1.0 s: "))
        #expect(result.stderr.contains("unpinned: ok: VmLck +0 (expected +0)"))
    }

    @Test("--node 0 binds both regions and samples them there; --node device without a device is refused, exit 2")
    func node() throws {
        let result = try PinbenchProcess.run(["hold", "--backend", "mlock", "--size", "8M", "--seconds", "0.3", "--node", "0"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("| pinned by mlock | "), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("| node 0: "), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("memory: mbind MPOL_BIND node 0"))
        let refused = try PinbenchProcess.run(["hold", "--backend", "mlock", "--size", "8M", "--seconds", "0.3", "--node", "device"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--node device follows the DMA device the backend maps for"), "stderr: \(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "stderr: \(refused.stderr)")
    }

    @Test("the default vfio shim with --json --no-compare: one JSON object on stdout, the table on stderr")
    func vfioJSON() throws {
        let result = try PinbenchProcess.run(["hold", "--memory", "anon", "--size", "16M", "--seconds", "0.5",
                                              "--no-compare", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                  "stdout: \(result.stdout)")
        #expect(object["backend"] as? String == "vfio")
        #expect((object["backendDescription"] as? String)?.hasPrefix("vfio (shim") == true)
        #expect(object["numaBalancing"] is String)
        let phases = try #require(object["phases"] as? [[String: Any]])
        #expect(phases.map { $0["kind"] as? String } == ["pinned"])
        #expect((phases[0]["numa"] as? [String: Int])?["numa_hint_faults"] != nil)
        #expect((object["pinnedCheck"] as? [String: Any])?["passed"] as? Bool == true)
        #expect((object["unpinnedCheck"] as? [String: Any])?["passed"] as? Bool == true)
        #expect(result.stderr.contains("| pinned by vfio shim | "), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("VmPin +16M"))
    }

    @Test("foliosim has no real memory to scan: refused with the reason, exit 2")
    func foliosim() throws {
        let result = try PinbenchProcess.run(["hold", "--backend", "foliosim", "--size", "16M", "--seconds", "1"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("foliosim only simulates its pins"))
        #expect(result.stdout.isEmpty)
    }

    @Test("bad input is a usage error, exit 2", arguments: [
        (["--seconds", "0"], "'0' is invalid for '--seconds <seconds>': out of range 0.01...86400"),
        (["--seconds=-2"], "'-2' is invalid for '--seconds <seconds>': out of range 0.01...86400"),
        (["--seconds", "nan"], "'nan' is invalid for '--seconds <seconds>': not a number of seconds (nan is not finite)"),
        (["--backend", "mlock", "--locked-vm", "shared"], "need --backend vfio"),
        (["--backend", "dma"], "unknown backend 'dma'"),
    ])
    func badInput(arguments: [String], message: String) throws {
        let result = try PinbenchProcess.run(["hold", "--size", "16M"] + arguments)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test("resources the machine cannot give: run's messages, exit 2")
    func unavailable() throws {
        let tooMuch = try PinbenchProcess.run(["hold", "--memory", "anon", "--size", "64T", "--seconds", "1"])
        #expect(tooMuch.status == 2)
        #expect(tooMuch.stderr.contains("more than this machine can give"), "stderr: \(tooMuch.stderr)")
        let directory = "/sys/kernel/mm/hugepages/hugepages-1048576kB"
        if let text = try? String(contentsOfFile: "\(directory)/free_hugepages", encoding: .utf8),
           let free = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            let pool = try PinbenchProcess.run(["hold", "--memory", "hugetlb-1g", "--size", "\(free + 1)G"])
            #expect(pool.status == 2)
            #expect(pool.stderr.contains("| sudo tee \(directory)/nr_hugepages"), "stderr: \(pool.stderr)")
        }
    }

    @Test("RLIMIT_MEMLOCK lowered in a child without CAP_IPC_LOCK: the vfio hold is refused as run refuses it")
    func memlockTooLow() throws {
        let wrapper = try PinbenchProcess.lowMemlockWrapper()
        let result = try PinbenchProcess.run(["hold", "--memory", "anon", "--size", "64M", "--seconds", "1"], wrapper: wrapper)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("exceeds RLIMIT_MEMLOCK (4M)"))
        #expect(result.stderr.contains("ulimit -l unlimited"))
    }

    @Test("Ctrl-C ends the pinned phase early, still unpins, prints what was measured, exit 130")
    func interrupted() throws {
        let process = Process()
        process.executableURL = PinbenchProcess.binary
        process.arguments = ["hold", "--backend", "mlock", "--memory", "anon", "--size", "16M", "--seconds", "60"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Interrupt once the first sample is out: the handler is installed and the region pinned.
        var stderr = Data()
        while !String(decoding: stderr, as: UTF8.self).contains("[pinned by mlock] 1.0 s") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            stderr.append(chunk)
        }
        process.interrupt()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        stderr.append(err.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        let errors = String(decoding: stderr, as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "stderr: \(errors)")
        #expect(stdout.contains("| pinned by mlock | "), "stdout: \(stdout)")
        #expect(stdout.contains("(interrupted)"))
        #expect(!stdout.contains("| unpinned |"))
        #expect(errors.contains("unpinned: ok: VmLck +0 (expected +0)"), "stderr: \(errors)")
    }

    @Test("--toucher-cpus binds the touching thread, is recorded and titled; CPUs the machine lacks or bad lists are refused")
    func toucherCPUs() throws {
        let last = ProcessInfo.processInfo.activeProcessorCount - 1
        let result = try PinbenchProcess.run(["hold", "--memory", "anon", "--size", "8M", "--seconds", "0.3", "--no-compare",
                                              "--toucher-cpus", "\(last)", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["toucherCPUs"] as? [Int] == [last])
        #expect(result.stderr.contains(", toucher on CPUs \(last)"))
        let missing = try PinbenchProcess.run(["hold", "--toucher-cpus", "\(last + 1000)", "--seconds", "0.1"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("names CPUs this machine does not have online: \(last + 1000)"))
        let bad = try PinbenchProcess.run(["hold", "--toucher-cpus", "two", "--seconds", "0.1"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("must be a CPU list like 0-3,8"))
    }
}
