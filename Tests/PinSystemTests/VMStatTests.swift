import Foundation
import PinSystem
import Testing

@Suite("/proc/vmstat snapshots and deltas, and the NUMA balancing mode")
struct VMStatTests {
    /// An excerpt of a 6.x kernel's `/proc/vmstat`, NUMA counters in the middle as the kernel
    /// prints them.
    static let before = """
        nr_free_pages 5123456
        nr_zone_inactive_anon 1024
        numa_hit 492386178
        numa_miss 0
        numa_foreign 0
        numa_interleave 1108
        numa_local 492386178
        numa_other 0
        nr_dirty 12
        numa_pte_updates 0
        numa_huge_pte_updates 0
        numa_hint_faults 0
        numa_hint_faults_local 0
        numa_pages_migrated 0
        pgpgin 4410
        thp_fault_alloc 77

        """

    static let after = """
        nr_free_pages 5000000
        nr_zone_inactive_anon 1024
        numa_hit 492390000
        numa_miss 0
        numa_foreign 0
        numa_interleave 1108
        numa_local 492390000
        numa_other 0
        nr_dirty 15
        numa_pte_updates 262144
        numa_huge_pte_updates 512
        numa_hint_faults 1300
        numa_hint_faults_local 1290
        numa_pages_migrated 7
        pgpgin 4410
        thp_fault_alloc 590

        """

    @Test("every name value line is read, in the file's order")
    func parsing() {
        let stat = VMStat(parsing: Self.before)
        #expect(stat.counters.count == 16)
        #expect(stat.counters.first == VMStat.Counter(name: "nr_free_pages", value: 5_123_456))
        #expect(stat.counters.last == VMStat.Counter(name: "thp_fault_alloc", value: 77))
        #expect(stat["numa_hit"] == 492_386_178)
        #expect(stat["numa_pte_updates"] == 0)
        #expect(stat["no_such_counter"] == nil)
    }

    @Test("blank and malformed lines are skipped, the good ones around them kept")
    func malformed() {
        let text = """

            nr_free_pages 100
            numa_hit
            numa_miss many
            numa_foreign 1 2
               \t
            numa_local\t42
            just-a-word
            numa_pte_updates 9

            numa_pte_updates 10
            numa_hint_faults -3
            """
        let stat = VMStat(parsing: text)
        #expect(stat.counters.map(\.name) == ["nr_free_pages", "numa_local", "numa_pte_updates", "numa_hint_faults"])
        #expect(stat["numa_local"] == 42)  // a tab separates as well as a space
        #expect(stat["numa_pte_updates"] == 9)  // a repeated name keeps its first value
        #expect(stat["numa_hint_faults"] == -3)
        #expect(VMStat(parsing: "").counters.isEmpty)
        #expect(VMStat(parsing: "\n\n garbage \n").counters.isEmpty)
    }

    @Test("the numa filter keeps numa_* counters only, in order")
    func numaFilter() {
        let numa = VMStat(parsing: Self.before).numa
        #expect(numa.counters.map(\.name) == [
            "numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other",
            "numa_pte_updates", "numa_huge_pte_updates", "numa_hint_faults", "numa_hint_faults_local",
            "numa_pages_migrated",
        ])
        #expect(VMStat(parsing: "nr_dirty 1\npgpgin 2\n").numa.counters.isEmpty)
        #expect(VMStat(parsing: Self.before).filtered(prefix: "thp_").counters.map(\.name) == ["thp_fault_alloc"])
    }

    @Test("a delta is after minus before, by name, in the later file's order")
    func delta() {
        let delta = VMStat(parsing: Self.after).delta(since: VMStat(parsing: Self.before))
        #expect(delta.names == VMStat(parsing: Self.after).counters.map(\.name))
        #expect(delta["numa_pte_updates"] == 262_144)
        #expect(delta["numa_huge_pte_updates"] == 512)
        #expect(delta["numa_hint_faults"] == 1300)
        #expect(delta["numa_pages_migrated"] == 7)
        #expect(delta["numa_hit"] == 3822)
        #expect(delta["pgpgin"] == 0)
        #expect(delta["thp_fault_alloc"] == 513)
        // A gauge that went down is a negative delta, not clamped.
        #expect(delta["nr_free_pages"] == 5_000_000 - 5_123_456)
    }

    @Test("the numa deltas of the balancing counters")
    func numaDelta() {
        let delta = VMStat(parsing: Self.after).numa.delta(since: VMStat(parsing: Self.before).numa)
        #expect(delta.names.allSatisfy { $0.hasPrefix("numa_") })
        #expect(delta.entries.count == 11)
        #expect(VMStat.numaBalancingCounters.map { delta[$0] } == [262_144, 1300, 7])
    }

    @Test("a counter missing from either snapshot is left out of the delta")
    func missingCounters() {
        let before = VMStat(parsing: "numa_hit 10\nnuma_pte_updates 5\nnuma_old 1\n")
        let after = VMStat(parsing: "numa_hit 15\nnuma_new 4\nnuma_pte_updates 5\n")
        let delta = after.delta(since: before)
        #expect(delta.entries == [
            VMStatDelta.Entry(name: "numa_hit", delta: 5), VMStatDelta.Entry(name: "numa_pte_updates", delta: 0),
        ])
        #expect(delta["numa_new"] == nil && delta["numa_old"] == nil)
        #expect(after.delta(since: VMStat(counters: [])).isEmpty)
        #expect(VMStat(counters: []).delta(since: after).isEmpty)
    }

    @Test("consecutive deltas add up to the whole delta, decreases included")
    func deltasAddUp() {
        let first = VMStat(parsing: "numa_hit 10\nnr_free_pages 100\n")
        let second = VMStat(parsing: "numa_hit 25\nnr_free_pages 60\n")
        let third = VMStat(parsing: "numa_hit 26\nnr_free_pages 90\n")
        for name in ["numa_hit", "nr_free_pages"] {
            let parts = (second.delta(since: first)[name] ?? 0) + (third.delta(since: second)[name] ?? 0)
            #expect(parts == third.delta(since: first)[name])
        }
    }

    @Test("JSON: one object of name: delta with sorted keys, equal after a round trip")
    func codable() throws {
        let delta = VMStat(parsing: Self.after).numa.delta(since: VMStat(parsing: Self.before).numa)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(delta), as: UTF8.self)
        #expect(json.hasPrefix(#"{"numa_foreign":0,"numa_hint_faults":1300,"numa_hint_faults_local":1290,"#))
        let decoded = try JSONDecoder().decode(VMStatDelta.self, from: Data(json.utf8))
        #expect(decoded == delta)
        #expect(decoded.names == decoded.names.sorted())  // decoding orders by name
        #expect(decoded["numa_pages_migrated"] == 7)
        // Equality compares the values, not only the names.
        #expect(VMStatDelta([.init(name: "numa_hit", delta: 1)]) != VMStatDelta([.init(name: "numa_hit", delta: 2)]))
        #expect(VMStatDelta([.init(name: "numa_hit", delta: 1)]) != VMStatDelta([]))
    }

    @Test("a fixture file is read through the same path as /proc/vmstat")
    func readsFixtureFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vmstat-\(getpid())").path
        try Self.before.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try VMStat.read(from: path) == VMStat(parsing: Self.before))
        #expect(throws: SystemError.self) { try VMStat.read(from: path + "-missing") }
    }

    @Test("this kernel's /proc/vmstat has the NUMA counters and they do not go backwards")
    func live() throws {
        let first = try VMStat.read()
        #expect(first.counters.count > 50)
        #expect(first["numa_hit"] != nil, "this kernel has CONFIG_NUMA")
        let second = try VMStat.read()
        let delta = second.numa.delta(since: first.numa)
        #expect(delta["numa_hit"].map { $0 >= 0 } == true)
    }

    @Test("numa_balancing: each mode, absent and unknown values")
    func balancingModes() throws {
        #expect(NUMABalancing(sysctlText: "0\n") == .off)
        #expect(NUMABalancing(sysctlText: "1\n") == .normal)
        #expect(NUMABalancing(sysctlText: "2") == .memoryTiering)
        #expect(NUMABalancing(sysctlText: " 3 \n") == .normalAndMemoryTiering)
        #expect(NUMABalancing(sysctlText: nil) == .unavailable)
        #expect(NUMABalancing(sysctlText: "") == .unavailable)
        #expect(NUMABalancing(sysctlText: "7") == .other("7"))
        #expect([NUMABalancing.off, .normal, .memoryTiering, .normalAndMemoryTiering, .unavailable].map(\.sysctlValue)
                    == ["0", "1", "2", "3", "unavailable"])
        #expect(NUMABalancing.normal.scansAllMemory && NUMABalancing.normalAndMemoryTiering.scansAllMemory)
        #expect(!NUMABalancing.off.scansAllMemory && !NUMABalancing.memoryTiering.scansAllMemory)
        #expect(NUMABalancing.normal.description == "1 (normal)")
        #expect(NUMABalancing.current(path: "/nonexistent/numa_balancing") == .unavailable)
        let live = NUMABalancing.current()
        #expect(live.sysctlValue == "unavailable" || Int(live.sysctlValue) != nil)
        let json = try JSONEncoder().encode([NUMABalancing.normal, .unavailable])
        #expect(String(decoding: json, as: UTF8.self) == #"["1","unavailable"]"#)
        #expect(try JSONDecoder().decode([NUMABalancing].self, from: json) == [.normal, .unavailable])
    }
}
