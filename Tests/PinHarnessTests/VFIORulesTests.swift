#if canImport(Glibc)
import Glibc
#endif
import PinBackends
@testable import PinHarness
import PinSystem
import Testing

@Suite("vfio-rules on the shim")
struct VFIORulesTests {
    @Test("every rule gives type1's errno on the shim, unmap-nothing differs as documented, nothing stays mapped")
    func shimRules() throws {
        let rules: [VFIORules.Rule] = [.overlap, .partialUnmap, .unmapNothing, .entryLimit]
        let outcomes = try VFIORules.run(rules, mapperName: "shim") { () throws(SystemError) -> any DMAMapper in
            ShimDMAMapper(entryLimit: 8)
        }
        let answers = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.rule, $0.answer) })
        #expect(answers == [.overlap: "EEXIST", .partialUnmap: "EINVAL", .unmapNothing: "ENOENT", .entryLimit: "ENOSPC"])
        #expect(outcomes.allSatisfy { $0.failure == nil && $0.skipped == nil && $0.mapper == "shim" })
        let nothing = try #require(outcomes.first { $0.rule == .unmapNothing })
        #expect(nothing.matchesExpected == false && nothing.documentedDifference != nil)
        #expect(outcomes.filter { $0.rule != .unmapNothing }.allSatisfy { $0.matchesExpected == true })
        let limit = try #require(outcomes.first { $0.rule == .entryLimit })
        #expect(limit.detail.hasPrefix("8 mappings made"))
    }

    @Test("the entry-limit rule is skipped, with how to reach it, when the limit is the default")
    func unreachableLimit() throws {
        let outcomes = try VFIORules.run([.entryLimit], mapperName: "shim") { () throws(SystemError) -> any DMAMapper in
            ShimDMAMapper(entryLimit: IOVATable.defaultEntryLimit)
        }
        #expect(outcomes.count == 1 && outcomes[0].errno == nil && outcomes[0].answer == "skipped")
        #expect(outcomes[0].skipped?.contains("vfio_iommu_type1.dma_entry_limit=64") == true)
    }

    @Test("the memlock rule is skipped under CAP_IPC_LOCK or an unlimited RLIMIT_MEMLOCK, saying how to run it",
          .enabled(if: MemlockLimit.current().hasIPCLock || MemlockLimit.current().softBytes == nil))
    func memlockNeedsALimit() throws {
        let outcomes = try VFIORules.run([.memlock], mapperName: "shim") { () throws(SystemError) -> any DMAMapper in
            ShimDMAMapper()
        }
        #expect(outcomes[0].answer == "skipped")
        #expect(outcomes[0].skipped?.contains("setpriv --inh-caps=-ipc_lock") == true)
    }

    @Test("agreement: yes, documented, NO for an undocumented difference or a failed setup, - when nothing was tried")
    func agreement() {
        func outcome(_ errno: Int32?, matches: Bool?, documented: String? = nil, failure: String? = nil, judged: Bool = true) -> VFIORules.Outcome {
            var outcome = VFIORules.Outcome(rule: .overlap, mapper: "m", errno: errno, failure: failure, detail: "")
            outcome.matchesExpected = matches
            outcome.documentedDifference = documented
            outcome.judged = judged
            return outcome
        }
        #expect(VFIORules.agreement([outcome(EEXIST, matches: true), outcome(EEXIST, matches: true)]) == "yes")
        #expect(VFIORules.agreement([outcome(EEXIST, matches: true), outcome(ENOENT, matches: false, documented: "why")]) == "documented")
        #expect(VFIORules.agreement([outcome(EEXIST, matches: true), outcome(EINVAL, matches: false)]) == "NO")
        // An iommufd answer is shown, not judged.
        #expect(VFIORules.agreement([outcome(EEXIST, matches: true), outcome(ENOENT, matches: false, judged: false)]) == "yes")
        #expect(VFIORules.agreement([outcome(nil, matches: nil, failure: "could not map")]) == "NO")
        #expect(VFIORules.agreement([outcome(nil, matches: nil)]) == "-")
    }

    @Test("the table shows each mapper's answer beside type1's, and the notes say why")
    func table() throws {
        let outcomes = try VFIORules.run([.overlap, .unmapNothing], mapperName: "shim") { () throws(SystemError) -> any DMAMapper in
            ShimDMAMapper()
        }
        let table = VFIORules.markdown([outcomes])
        #expect(table.contains("| rule | what is tried | type1 (kernel source) | shim | agree |"))
        #expect(table.contains("| overlap | map 2M at +1M over a 2M mapping | EEXIST | EEXIST | yes |"))
        #expect(table.contains("| unmap-nothing | unmap 2M where nothing is mapped | ok | ENOENT | documented |"))
        #expect(table.contains("- unmap-nothing on shim: the shim refuses it (ENOENT)"))
    }

    @Test("container-lock: the shim's type1 model serializes a small map behind a long one, its iommufd model does not")
    func containerLockModels() throws {
        // A probe on a machine too busy to start the small call inside the long one answers
        // nothing (it says so); other suites run beside this one, so such a probe is tried again.
        func probe(_ lock: VFIOOptions.ContainerLock) throws -> VFIORules.Outcome {
            var outcome: VFIORules.Outcome
            var attempts = 0
            repeat {
                attempts += 1
                outcome = try VFIORules.run([.containerLock], mapperName: "shim:\(lock)") { () throws(SystemError) -> any DMAMapper in
                    ShimDMAMapper(containerLock: lock)
                }[0]
            } while attempts < 4 && outcome.failure?.contains("too busy") == true
            return outcome
        }
        // Under the type1 model the small call waits for the mutex: it can never return first.
        let type1 = try probe(.type1)
        #expect(type1.behaviour == .serializes && type1.expected == "serializes" && type1.matchesExpected == true,
                "\(type1.detail) \(type1.failure ?? "")")
        // Under the iommufd model it returns first, unless this busy 2-CPU machine preempted the
        // small call itself until the long one ended: "mixed" is a loaded machine, not a lock.
        let iommufd = try probe(.iommufd)
        #expect(iommufd.behaviour == .concurrent || iommufd.behaviour == .mixed, "\(iommufd.detail) \(iommufd.failure ?? "")")
        #expect(iommufd.expected == "concurrent")
    }
}
