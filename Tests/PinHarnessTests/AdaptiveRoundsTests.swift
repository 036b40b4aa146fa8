import Foundation
import PinCore
@testable import PinHarness
import Testing

/// `--reps auto`'s decisions as a pure function of a cell's records: which rounds it needs,
/// and where it stands, replayed from the records alone (so a resume decides as the sweep did).
@Suite("--reps auto: the rounds a cell needs, from its records alone")
struct AdaptiveRoundsTests {
    /// populate on 8M of anon, single only: 1 warm-up, 6 fixed rounds, then up to 10 measured.
    static func specification(target: Double = 0.05, cap: Int = 10) -> SweepSpecification {
        SweepSpecification(backends: [.populate], memory: [.anon], sizes: [.mib(8)], threads: [1], strategies: [.single],
                           repetitions: 6, adaptive: AdaptiveRounds(targetWidth: target, maxRepetitions: cap), warmups: 1,
                           seed: 3, commandLine: "pinbench sweep --reps auto (test)")
    }

    static let cell = SweepCell(backend: .populate, memory: .anon, size: .mib(8), strategy: .single, threads: 1)

    /// Records of rounds 0... of the cell: a warm-up, then one measured run per pin time (unpin a
    /// tenth of it, so both phases are as wide as each other).
    static func records(_ pins: [Double], verified: Bool = true) -> [RunRecord] {
        [SweepFixtures.record("single", pin: 9, unpin: 0.9, memory: "anon", size: 8 << 20, warmup: true, round: 0)]
            + pins.enumerated().map { index, pin in
                SweepFixtures.record("single", pin: pin, unpin: pin / 10, memory: "anon", size: 8 << 20, verified: verified, round: index + 1)
            }
    }

    static func rounds(_ pins: [Double], _ specification: SweepSpecification = specification(), verified: Bool = true) -> CellRounds {
        specification.rounds(of: cell, finished: FinishedRounds(records(pins, verified: verified)))
    }

    // 6 runs: the 95% interval is min..max. Tight: 1.00-1.02 (2%); wide: 1.0-1.3 (26%).
    static let tight = [1.00, 1.01, 1.02, 1.01, 1.00, 1.01]
    static let wide = [1.0, 1.3, 1.1, 1.2, 1.0, 1.25]

    @Test("fixed rounds: every round of the specification, no status")
    func fixed() {
        var specification = Self.specification()
        specification.adaptive = nil
        #expect(Self.rounds([], specification) == CellRounds(needed: 7, status: nil, judgement: nil))
        #expect(specification.missingRounds(of: Self.cell, finished: FinishedRounds(Self.records([1, 1]))) == [3, 4, 5, 6])
    }

    @Test("the fixed rounds come first: a cell short of them is pending at the fixed count, whatever its width")
    func fixedRoundsFirst() {
        #expect(Self.rounds(Array(Self.tight.prefix(4))) == CellRounds(needed: 7, status: .pending, judgement: nil))
        #expect(Self.specification().missingRounds(of: Self.cell, finished: FinishedRounds(Self.records([1, 1]))) == [3, 4, 5, 6])
    }

    @Test("within the target after the fixed rounds: met, no round added")
    func metAtOnce() throws {
        let decided = Self.rounds(Self.tight)
        #expect(decided.needed == 7 && decided.status == .met)
        #expect(abs(try #require(decided.judgement?.pinWidth) - 0.02 / 1.01) < 1e-12)
    }

    @Test("wider than the target: one round more, due now; its judgement is the runs before it")
    func oneMore() throws {
        let decided = Self.rounds(Self.wide)
        #expect(decided.needed == 8 && decided.status == .pending)
        #expect(abs(try #require(decided.judgement?.pinWidth) - 0.3 / 1.15) < 1e-12)  // median of 6: (1.1 + 1.2) / 2
        #expect(Self.specification().missingRounds(of: Self.cell, finished: FinishedRounds(Self.records(Self.wide))) == [7])
    }

    @Test("rounds are added while the runs stay wide and stop at the first one that meets the target")
    func narrowsThenStops() {
        // Added runs of 1.1 pull the interval in: 7 and 8 runs still min..max, 1.0-1.3 around
        // 1.1 (27%); 9 runs the 2nd to 8th smallest, 1.0-1.25 (22.7%); 10 runs the same.
        let pins = Self.wide + [1.1, 1.1, 1.1, 1.1]
        let decided = (6...10).map { Self.rounds(Array(pins.prefix($0))) }
        #expect(decided.map(\.needed) == [8, 9, 10, 11, 11])
        #expect(decided.map(\.status) == [.pending, .pending, .pending, .pending, .notMet])
        // With a 25% target the 9th run is the last: the cell stops at round 9 (1 warm-up + 9).
        let lenient = Self.rounds(pins, Self.specification(target: 0.25))
        #expect(lenient.needed == 10 && lenient.status == .met)
        #expect(Self.specification(target: 0.25).missingRounds(of: Self.cell, finished: FinishedRounds(Self.records(pins))).isEmpty)
    }

    @Test("at the cap and still wide: not met, the rounds end")
    func capped() {
        let decided = Self.rounds(Self.wide + [1.0, 1.3, 1.0, 1.3])
        #expect(decided.needed == 11 && decided.status == .notMet && decided.judgement?.meets(0.05) == false)
        #expect(Self.specification().missingRounds(of: Self.cell, finished: FinishedRounds(Self.records(Self.wide + [1.0, 1.3, 1.0, 1.3]))).isEmpty)
    }

    @Test("no measured run verified: nothing to narrow, so no round is added")
    func noVerifiedRun() {
        let decided = Self.rounds(Self.tight, verified: false)
        #expect(decided.needed == 7 && decided.status == .noVerifiedRun)
    }

    @Test("a decision reads only the rounds before it: records past a missing round change nothing")
    func onlyEarlierRounds() {
        // Round 7 (the first added) is missing; a stray record of round 9 is ignored.
        var records = Self.records(Self.wide)
        records.append(SweepFixtures.record("single", pin: 5, memory: "anon", size: 8 << 20, round: 9))
        let decided = Self.specification().rounds(of: Self.cell, finished: FinishedRounds(records))
        #expect(decided.needed == 8 && decided.status == .pending)
    }

    @Test("replaying every prefix of a finished cell's rounds never asks for a round past the next one, nor drops one")
    func prefixes() {
        let pins = Self.wide + [1.1, 1.05, 1.2, 1.15]
        let final = Self.rounds(pins)
        for count in 0...pins.count {
            let decided = Self.rounds(Array(pins.prefix(count)))
            // What the prefix calls for is at most one round past what it holds, and never past
            // what the whole cell took: a resume after any round adds exactly the rounds left.
            #expect(decided.needed <= max(7, count + 2) && decided.needed <= final.needed, "\(count) runs: \(decided)")
        }
    }

    @Test("duplicates count once, the first kept; records without a cell or round are not rounds")
    func finishedRounds() {
        var records = Self.records([1, 2])
        records.append(records[1])
        var loose = records[2]
        loose.cell = nil
        records.append(loose)
        let finished = FinishedRounds(records)
        #expect(finished.count == 3 && finished.contains(Self.cell, round: 2) && !finished.contains(Self.cell, round: 3))
    }

    @Test("a judgement names the phase furthest off, or the one with no interval")
    func judgement() throws {
        let wide = try #require(Statistics(Self.wide)), tight = try #require(Statistics(Self.tight))
        #expect(AdaptiveRounds.judge(pin: tight, unpin: wide).widest == "unpin 26.1%")
        #expect(AdaptiveRounds.judge(pin: Statistics([1, 2]), unpin: tight).widest == "pin no CI (n=2)")
        #expect(!AdaptiveRounds.judge(pin: tight, unpin: nil).meets(0.5))
        let policy = AdaptiveRounds(maxRepetitions: 18)
        #expect(policy.status(AdaptiveRounds.judge(pin: wide, unpin: wide), measuredRounds: 18) == .notMet)
        #expect(policy.status(AdaptiveRounds.judge(pin: wide, unpin: wide), measuredRounds: 7) == .pending)
        #expect(policy.status(AdaptiveRounds.judge(pin: nil, unpin: nil), measuredRounds: 7) == .noVerifiedRun)
        #expect(policy.targetText == "5%" && AdaptiveRounds(targetWidth: 0.025, maxRepetitions: 6).targetText == "2.5%")
    }

    @Test("a policy that cannot work is refused, in sweep.json too", arguments: [
        (AdaptiveRounds(targetWidth: 0, maxRepetitions: 30), 10), (AdaptiveRounds(targetWidth: 1.5, maxRepetitions: 30), 10),
        (AdaptiveRounds(targetWidth: .nan, maxRepetitions: 30), 10), (AdaptiveRounds(maxRepetitions: 9), 10),
        (AdaptiveRounds(maxRepetitions: 1001), 10), (AdaptiveRounds(maxRepetitions: 30), 5),
    ])
    func refused(policy: AdaptiveRounds, base: Int) {
        #expect(throws: HarnessError.self) { try policy.validate(base: base) }
        var specification = Self.specification()
        specification.repetitions = base
        specification.adaptive = policy
        #expect(throws: HarnessError.self) { try specification.validate() }
    }

    @Test("sweep.json keeps the policy; a set written before it (or of fixed rounds) reads as fixed")
    func specificationFile() throws {
        let specification = Self.specification(target: 0.025, cap: 18)
        let data = try JSONEncoder().encode(specification)
        #expect(try JSONDecoder().decode(SweepSpecification.self, from: data) == specification)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains("\"adaptive\":{") && json.contains("\"maxRepetitions\":18"))
        // The published sets of results/ were made before --reps auto.
        let published = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../results")
        for name in ["vm-2026-11-21", "vm-2026-12-01", "vm-2026-12-01-forecast", "vm-2026-12-01-host-warm-off"] {
            let set = try ResultSet.open(published.appendingPathComponent(name).path)
            let read = try #require(try set.specification())
            #expect(read.adaptive == nil && read.roundLimit == read.rounds, "\(name)")
        }
    }
}
