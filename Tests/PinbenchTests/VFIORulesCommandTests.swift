import Foundation
import Testing

@Suite("pinbench vfio-rules")
struct VFIORulesCommandTests {
    @Test("without CAP_IPC_LOCK under a small RLIMIT_MEMLOCK the shim refuses the map with ENOMEM, as type1 does")
    func memlockRule() throws {
        let wrapper = try PinbenchProcess.lowMemlockWrapper()
        let result = try PinbenchProcess.run(["vfio-rules", "--rule", "memlock", "--rule", "overlap", "--entry-limit", "16"],
                                             wrapper: wrapper)
        // The overlap rule's legal first map (2M) fits under the 4M limit, so both rules are judged.
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(result.stdout.contains("| memlock | map more than RLIMIT_MEMLOCK, no CAP_IPC_LOCK | ENOMEM | ENOMEM | yes |"))
        #expect(result.stdout.contains("| overlap | map 2M at +1M over a 2M mapping | EEXIST | EEXIST | yes |"))
    }

    @Test("--json gives one outcome per rule with the errno; --entry-limit makes the limit reachable")
    func json() throws {
        // Every errno rule; container-lock is the probe's own test's.
        let result = try PinbenchProcess.run(["vfio-rules", "--json", "--entry-limit", "4", "--rule", "overlap", "--rule", "partial-unmap",
                                              "--rule", "unmap-nothing", "--rule", "entry-limit", "--rule", "memlock"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let outcomes = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(outcomes.map { $0["rule"] as? String } == ["overlap", "partial-unmap", "unmap-nothing", "entry-limit", "memlock"])
        // The table goes to stderr beside the JSON, so one run gives both.
        #expect(result.stderr.contains("| entry-limit | map dma_entry_limit + 1 4K mappings | ENOSPC | ENOSPC | yes |"))
        let limit = try #require(outcomes.first { $0["rule"] as? String == "entry-limit" })
        #expect(limit["errno"] as? Int == Int(ENOSPC))
    }

    @Test("a container that cannot be opened exits 2 with what to do; a bad rule is refused with the choices")
    func refusals() throws {
        if access("/dev/vfio/vfio", F_OK) != 0 {
            let missing = try PinbenchProcess.run(["vfio-rules", "--vfio", "type1:7"])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("cannot open type1:/dev/vfio/7"))
        }
        let badRule = try PinbenchProcess.run(["vfio-rules", "--rule", "everything"])
        #expect(badRule.status == 2)
        #expect(badRule.stderr.contains("choose one of overlap, partial-unmap, unmap-nothing, entry-limit, memlock, container-lock"))
        let twice = try PinbenchProcess.run(["vfio-rules", "--vfio", "shim", "--vfio", "shim"])
        #expect(twice.status == 2)
    }
}
