import Foundation
import PinCore
@testable import PinHarness
import Testing

/// `--reps auto` through `Sweep.run` on real memory: rounds added only where the records call
/// for them, interleaved in each round's order, and an interrupted sweep resumed with nothing
/// lost or counted twice. What the timings decide is not asserted, only what must hold whatever
/// they are; the one exact count comes from synthetic records on disk.
@Suite("Sweeps with --reps auto: added rounds, their order, interruption and resume", .serialized)
struct SweepAdaptiveTests {
    /// populate on 8 MiB of anon at 1 thread: single, user and kernel; 1 warm-up, 6 fixed rounds.
    static func specification(strategies: [Strategy] = Strategy.allCases, target: Double, cap: Int) -> SweepSpecification {
        SweepSpecification(backends: [.populate], memory: [.anon], sizes: [.mib(8)], threads: [1], strategies: strategies,
                           repetitions: 6, adaptive: AdaptiveRounds(targetWidth: target, maxRepetitions: cap), warmups: 1,
                           seed: 5, kernelAlign: .base, minChunk: .mib(2), commandLine: "pinbench sweep --reps auto (test)")
    }

    /// Each cell's rounds on disk, in file order.
    static func rounds(_ records: [RunRecord]) -> [String: [Int]] {
        records.reduce(into: [:]) { rounds, record in rounds[record.cell!, default: []].append(record.round!) }
    }

    /// What must hold of any finished adaptive set: every cell's rounds are 0..<k, each once, and
    /// k is exactly what the cell's own records call for (no round missing, none beyond).
    static func expectSettled(_ records: [RunRecord], _ specification: SweepSpecification) {
        let finished = FinishedRounds(records)
        for (cell, rounds) in Self.rounds(records) {
            #expect(rounds.sorted() == Array(0..<rounds.count), "\(cell): rounds \(rounds)")
            let sweepCell = specification.cells.first { $0.id == cell }!
            let decided = specification.rounds(of: sweepCell, finished: finished)
            #expect(decided.needed == rounds.count, "\(cell): \(rounds.count) rounds on disk, \(decided.needed) called for")
            #expect(decided.status != .pending, "\(cell)")
            #expect(rounds.count >= specification.rounds && rounds.count <= specification.roundLimit)
            // A cell that stopped short of the cap met the target (or had no verified run).
            if rounds.count < specification.roundLimit { #expect(decided.status == .met || decided.status == .noVerifiedRun, "\(cell)") }
        }
    }

    @Test("with the fixed rounds on disk, exactly the cell still wider than the target gets the next round")
    func addsOnlyWhereWide() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let specification = Self.specification(strategies: [.single, .user], target: 0.05, cap: 7)
        // Rounds 0...6 of both cells, synthetic: single within 2% of its median, user 26% wide.
        var records: [RunRecord] = []
        for (strategy, pins) in [("single", [0.010, 0.0101, 0.0102, 0.0101, 0.010, 0.0101]), ("user", [0.010, 0.013, 0.011, 0.012, 0.010, 0.0125])] {
            records.append(SweepFixtures.record(strategy, pin: 0.02, memory: "anon", size: 8 << 20, warmup: true, round: 0))
            for (index, pin) in pins.enumerated() {
                records.append(SweepFixtures.record(strategy, pin: pin, unpin: pin / 10, memory: "anon", size: 8 << 20, round: index + 1))
            }
        }
        let set = try SweepFixtures.resultSet(records, at: folder, name: "set")
        var events: [String] = []
        let outcome = try Sweep(specification, resultSet: set).run(stopWhen: { false }, onEvent: { event in
            switch event {
            case .started(let toRun, let done): events.append("started \(toRun) \(done)")
            case .roundAdded(let round, let cells, let toRun):
                events.append("round \(round): " + cells.map { "\($0.cell.id) \($0.judgement.widest)" }.joined(separator: ", ") + " (\(toRun))")
            default: break
            }
        })
        #expect(outcome.recorded == 1 && outcome.complete && !outcome.interrupted)
        #expect(events == ["started 1 14", "round 7: populate/anon/8M/user/1 pin 26.1% (1)"])
        let added = try set.readRecords().dropFirst(records.count)
        #expect(added.map(\.cell) == ["populate/anon/8M/user/1"] && added.map(\.round) == [7] && added.allSatisfy { !$0.warmup && $0.rep == 6 })
        Self.expectSettled(try set.readRecords(), specification)
    }

    @Test("each added round runs its cells in that round's seeded order, and the set ends settled")
    func interleaved() throws {
        let folder = SweepFixtures.temporaryFolder()
        defer { SweepFixtures.cleanUp(folder) }
        let set = try ResultSet.create(at: "\(folder)/set")
        // A 0.1% target: whatever the timings, cells get rounds to the cap unless they are that tight.
        let specification = Self.specification(target: 0.001, cap: 8)
        var added: [Int: [String]] = [:]
        _ = try Sweep(specification, resultSet: set).run(stopWhen: { false }, onEvent: { event in
            if case .roundAdded(let round, let cells, _) = event { added[round] = cells.map(\.cell.id) }
        })
        let records = try set.readRecords()
        #expect(records.allSatisfy { $0.verified })
        Self.expectSettled(records, specification)
        for round in 0..<specification.roundLimit {
            let inRound = records.filter { $0.round == round }.map(\.cell!)
            let order = specification.order(of: specification.cells, round: round).map(\.id).filter { inRound.contains($0) }
            #expect(inRound == order, "round \(round)")
            if round >= specification.rounds { #expect(inRound == (added[round] ?? []), "round \(round)") }
        }
    }

    @Test("interrupted anywhere, fixed or added rounds, and resumed: nothing lost, nothing twice, the same rounds called for")
    func interruptAndResume() throws {
        for stopAt in [9, 47] {
            let folder = SweepFixtures.temporaryFolder()
            defer { SweepFixtures.cleanUp(folder) }
            let set = try ResultSet.create(at: "\(folder)/set")
            let specification = Self.specification(target: 0.001, cap: 9)
            // stopWhen is asked before and after each repetition: the 9th ask lands inside the
            // 5th repetition (fixed rounds); the 47th inside the 24th, past the 21 fixed ones
            // when any cell got a round.
            var asked = 0
            let first = try Sweep(specification, resultSet: set).run(stopWhen: {
                asked += 1
                return asked == stopAt
            })
            let before = try set.readRecords()
            #expect(first.interrupted && before.count == first.recorded, "stop at \(stopAt)")

            let second = try Sweep(specification, resultSet: set).run(stopWhen: { false })
            #expect(second.complete && !second.interrupted)
            let records = try set.readRecords()
            #expect(records.count == first.recorded + second.recorded)
            // What the first run recorded is still there, first, unchanged.
            #expect(Array(records.prefix(before.count)) == before)
            Self.expectSettled(records, specification)

            let third = try Sweep(specification, resultSet: set).run(stopWhen: { false })
            #expect(third.recorded == 0 && third.complete)
        }
    }

    @Test("the plan counts the rounds due now and the most that may follow")
    func plan() throws {
        let specification = Self.specification(target: 0.05, cap: 9)
        let plan = try SweepPlan(specification, finished: FinishedRounds())
        #expect(plan.toRun == 21 && plan.adaptiveAtMost == 9 && plan.alreadyDone == 0)
    }
}
