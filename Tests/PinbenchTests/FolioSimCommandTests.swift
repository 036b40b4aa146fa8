#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

@Suite("pinbench with the foliosim backend, and calibrate")
struct FolioSimCommandTests {
    @Test("every strategy runs verified in both modes and the table shows the model's counts")
    func runBothModes() throws {
        for mode in ["per-page", "folio"] {
            let result = try PinbenchProcess.run([
                "run", "--backend", "foliosim", "--strategy", "all", "--memory", "hugetlb-2m", "--size", "64M",
                "--threads", "2", "--min-chunk", "16M", "--gup", mode, "--reps", "1", "--warmup", "0",
            ])
            #expect(result.status == 0, "\(mode) stderr: \(result.stderr)")
            #expect(result.stdout.contains("foliosim (gup \(mode), unpin \(mode), folios memory)"))
            #expect(result.stdout.contains("| backend (median) | folios | pin grabs |"), "stdout: \(result.stdout)")
            #expect(result.stdout.contains("folios: 32 x 2M"))
            // 64M of 2M folios: 16384 grabs per page, 32 per folio.
            let grabs = mode == "per-page" ? "16384" : "32"
            #expect(result.stdout.contains("| single | 32 | \(grabs) |"), "stdout: \(result.stdout)")
        }
    }

    @Test("a 64 GiB simulated range runs with no memory of its size")
    func largeSimulatedRange() throws {
        let result = try PinbenchProcess.run([
            "run", "--backend", "foliosim", "--strategy", "single", "--memory", "hugetlb-1g", "--size", "64G",
            "--gup", "folio", "--reps", "1", "--warmup", "0",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("folios: 64 x 1G"))
    }

    @Test("a range whose memmap cannot fit is refused before anything is allocated, with the largest size that fits")
    func tooLarge() throws {
        let result = try PinbenchProcess.run(["run", "--backend", "foliosim", "--memory", "hugetlb-1g", "--size", "64T"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("foliosim: simulating 64T"))
        #expect(result.stderr.contains("memmap"))
        #expect(result.stderr.contains("use a --size of at most"))
    }

    @Test("foliosim options without the backend, a bad layout, --prefault and an mTHP kind on a real backend are refused")
    func refusals() throws {
        let noBackend = try PinbenchProcess.run(["run", "--gup", "per-page", "--size", "4M"])
        #expect(noBackend.status == 2)
        #expect(noBackend.stderr.contains("--gup per-page is foliosim's and needs --backend foliosim"))

        let badLayout = try PinbenchProcess.run(["run", "--backend", "foliosim", "--folios", "random", "--size", "4M"])
        #expect(badLayout.status == 2)
        #expect(badLayout.stderr.contains("mixed:<seed>"))

        let prefault = try PinbenchProcess.run(["run", "--backend", "foliosim", "--prefault", "--size", "4M"])
        #expect(prefault.status == 2)
        #expect(prefault.stderr.contains("--prefault does not apply to foliosim"))

        let mthp = try PinbenchProcess.run(["run", "--backend", "populate", "--memory", "mthp-16k", "--size", "4M"])
        #expect(mthp.status == 2)
        #expect(mthp.stderr.contains("run it with --backend foliosim"))
    }

    @Test("a mixed layout and an mTHP kind run verified, with the layout under the table")
    func mixedAndMTHP() throws {
        let mixed = try PinbenchProcess.run([
            "run", "--backend", "foliosim", "--memory", "thp", "--folios", "mixed:3", "--size", "64M", "--threads", "2",
            "--min-chunk", "8M", "--gup", "folio", "--unpin", "per-page", "--reps", "1", "--warmup", "0",
        ])
        #expect(mixed.status == 0, "stderr: \(mixed.stderr)")
        #expect(mixed.stdout.contains("foliosim (gup folio, unpin per-page, folios mixed:3)"))
        let mthp = try PinbenchProcess.run([
            "run", "--backend", "foliosim", "--memory", "mthp-64k", "--size", "16M", "--reps", "1", "--warmup", "0",
        ])
        #expect(mthp.status == 0, "stderr: \(mthp.stderr)")
        #expect(mthp.stdout.contains("folios: 256 x 64K"))
    }

    @Test("the pagemap layout follows what the kernel gave a real region (root)",
          .enabled(if: geteuid() == 0, "reading frame numbers and /proc/kpageflags needs root"))
    func pagemapLayout() throws {
        let result = try PinbenchProcess.run([
            "run", "--backend", "foliosim", "--memory", "anon", "--folios", "pagemap", "--size", "8M",
            "--strategy", "single", "--reps", "1", "--warmup", "0",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        // anon is mapped MADV_NOHUGEPAGE, so the kernel gives 4 KiB folios only.
        #expect(result.stdout.contains("folios: 2048 x 4K"), "stdout: \(result.stdout)")
    }

    @Test("calibrate prints every method per 4 KiB page with foliosim per-page as 1.00x")
    func calibrate() throws {
        let result = try PinbenchProcess.run(["calibrate", "--size", "16M", "--reps", "1", "--warmup", "0"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("| memory | method | pin per 4 KiB page | x foliosim per-page | runs |"))
        #expect(result.stdout.contains("| anon | foliosim per-page |"))
        #expect(result.stdout.contains("| 1.00x | 1/1 verified |"))
        #expect(result.stdout.contains("| anon | foliosim folio |"))
        #expect(result.stdout.contains("| anon | MADV_POPULATE_WRITE, prefaulted |"))
        #expect(result.stdout.contains("| anon | vfio shim (io_uring long-term pin), prefaulted |"))
    }

    /// Free 1 GiB hugetlb pages (0 where there is no such pool).
    static var freeGigantic: Int {
        (try? String(contentsOfFile: "/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    }

    @Test("calibrate says why a method cannot run instead of failing the whole table",
          .enabled(if: freeGigantic == 0, "a 1 GiB pool is reserved here, so every method can run"))
    func calibrateUnavailable() throws {
        // With no 1 GiB pool the real methods say so and the model still runs.
        let result = try PinbenchProcess.run(["calibrate", "--memory", "hugetlb-1g", "--size", "1G", "--reps", "1", "--warmup", "0"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("| hugetlb-1g | foliosim per-page |"))
        #expect(result.stdout.contains("not run:"), "stdout: \(result.stdout)")
    }
}
