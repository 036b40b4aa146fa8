#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `sweep --dry-run` is the real sweep's plan: the same refusals, the same skips, the
/// repetitions actually left, and exit 2 when no cell could run.
@Suite("pinbench sweep --dry-run says what the sweep would do")
struct SweepDryRunTests {
    static let tiny = ["sweep", "--backends", "populate", "--memory", "anon", "--sizes", "4M", "--threads", "1",
                       "--strategies", "single", "--reps", "2", "--warmup", "0"]

    @Test("a label the sweep refuses is refused by its dry run too, with the same message and code")
    func label() throws {
        let folder = SweepCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let real = try PinbenchProcess.run(Self.tiny + ["--label", "../../x", "--results", folder])
        let dry = try PinbenchProcess.run(Self.tiny + ["--label", "../../x", "--results", folder, "--dry-run"])
        #expect(real.status == 2 && dry.status == 2, "\(real.stderr) / \(dry.stderr)")
        #expect(dry.stderr.contains("--label '../../x' must be"), "\(dry.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("a resumed dry run counts the repetitions left, not all of them")
    func resumeCountsWhatIsLeft() throws {
        let folder = SweepCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let set = "\(folder)/set"
        let done = try PinbenchProcess.run(Self.tiny + ["--output", set])
        #expect(done.status == 0, "\(done.stderr)")
        let dry = try PinbenchProcess.run(["sweep", "--resume", set, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("2 already on disk; 0 to run here"), "\(dry.stdout)")
    }

    @Test("a dry run in which every cell would be skipped exits 2, as the sweep does")
    func nothingRunnable() throws {
        let args = ["sweep", "--backends", "populate", "--memory", "hugetlb-1g", "--sizes", "1G", "--threads", "1",
                    "--strategies", "single", "--reps", "1", "--warmup", "0"]
        let dry = try PinbenchProcess.run(args + ["--dry-run"])
        #expect(dry.status == 2, "\(dry.stdout) \(dry.stderr)")
        #expect(dry.stdout.contains("would skip"), "\(dry.stdout)")
        #expect(dry.stderr.contains("no cell could run"), "\(dry.stderr)")
    }

    @Test("with --reserve-hugepages the dry run plans the reservation instead of skipping the hugetlb cells",
          .enabled(if: geteuid() == 0, "needs root, as --reserve-hugepages does"))
    func reserveHugepages() throws {
        // More pages than any test reserves, so the pool never already holds them.
        let args = ["sweep", "--backends", "populate", "--memory", "hugetlb-2m", "--sizes", "2G", "--threads", "1",
                    "--strategies", "single", "--reps", "1", "--warmup", "0", "--dry-run"]
        let without = try PinbenchProcess.run(args)
        #expect(without.stdout.contains("would skip"), "\(without.stdout)")
        let with = try PinbenchProcess.run(args + ["--reserve-hugepages"])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(!with.stdout.contains("would skip"), "\(with.stdout)")
        #expect(with.stdout.contains("--reserve-hugepages would reserve"), "\(with.stdout)")
        #expect(with.stdout.contains("1 to run here"), "\(with.stdout)")
    }
}
