#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import PinSystem
import Testing

/// The journal's arithmetic on a stand-in for `nr_hugepages` (a plain file), so it runs anywhere.
@Suite("The machine journal gives back only what a dead owner added", .serialized)
struct MachineJournalTests {
    static func entry(path: String, before: Int, requested: Int, granted: Int?, pid: Int32, startTime: UInt64) -> MachineJournal.Entry {
        MachineJournal.Entry(kind: "hugepages", path: path, before: before, requested: requested, granted: granted,
                             pid: pid, startTime: startTime, subject: "test pool")
    }

    static func value(_ path: String) -> Int? { ProcFile.readInt(path) }

    @Test("two owners' growths compose: each dead one takes back its own pages; a live owner's entry stays")
    func compose() throws {
        let folder = NSTemporaryDirectory() + "journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pool = folder + "/nr_hugepages"
        #expect(FileManager.default.createFile(atPath: pool, contents: Data("40\n".utf8)))  // 0 before; a dead pid added 16, this process 24
        let journal = folder + "/journal"
        let dead = Self.entry(path: pool, before: 0, requested: 16, granted: 16, pid: Int32.max - 1, startTime: 1)
        let mine = Self.entry(path: pool, before: 16, requested: 24, granted: 24, pid: getpid(), startTime: MachineJournal.ownStartTime)
        _ = try MachineJournal.record(dead, in: journal)
        let minePath = try MachineJournal.record(mine, in: journal)
        let lines = MachineJournal.recoverStale(in: journal)
        #expect(lines.count == 1 && lines[0].contains("gave them back (40 -> 24 pages)"), "\(lines)")
        #expect(Self.value(pool) == 24)
        #expect(MachineJournal.entries(in: journal).map(\.path) == [minePath])
        MachineJournal.remove(minePath)
        #expect(MachineJournal.entries(in: journal).isEmpty)
    }

    @Test("an owner killed before it learnt what it got gives back at most what it asked and at most the growth")
    func unknownGrant() throws {
        let folder = NSTemporaryDirectory() + "journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pool = folder + "/nr_hugepages"
        #expect(FileManager.default.createFile(atPath: pool, contents: nil))
        for (now, requested, expected) in [(10, 16, 4), (30, 16, 14), (4, 16, 4)] {
            try ProcFile.write(pool, "\(now)\n")
            // before 4: a pool at 10 grew by 6 (less than asked: all 6 go back); at 30 by 26, of
            // which another process added 10 (only the 16 asked go back); at 4 not at all.
            _ = MachineJournal.restore(Self.entry(path: pool, before: 4, requested: requested, granted: nil, pid: 1, startTime: 1))
            #expect(Self.value(pool) == expected, "pool \(now), asked \(requested)")
        }
    }

    @Test("a reused pid is not its old owner; a zombie and a missing process are gone")
    func owners() {
        let me = MachineJournal.ownStartTime
        #expect(me > 0)
        #expect(MachineJournal.ownerAlive(Self.entry(path: "", before: 0, requested: 0, granted: 0, pid: getpid(), startTime: me)))
        #expect(!MachineJournal.ownerAlive(Self.entry(path: "", before: 0, requested: 0, granted: 0, pid: getpid(), startTime: me + 1)))
        #expect(!MachineJournal.ownerAlive(Self.entry(path: "", before: 0, requested: 0, granted: 0, pid: Int32.max - 1, startTime: 1)))
    }
}
