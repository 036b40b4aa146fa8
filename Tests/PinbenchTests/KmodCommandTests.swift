import Foundation
import Testing

@Suite("pinbench with the kmod backend where the module may not be loaded")
struct KmodCommandTests {
    static let loaded = FileManager.default.fileExists(atPath: "/dev/pinbench")

    @Test("each --gup value belongs to its backend, and the kmod options are checked before anything runs", arguments: [
        (["run", "--backend", "foliosim", "--gup", "remote"], "--gup remote is kmod's and needs --backend kmod"),
        (["run", "--backend", "kmod", "--gup", "per-page"], "--gup per-page is foliosim's and needs --backend foliosim"),
        (["run", "--backend", "populate", "--gup-batch", "64"], "--gup-batch, --map-device and --iova-base need --backend kmod"),
        (["run", "--backend", "kmod", "--gup-batch", "0"], "--gup-batch 0 is out of range 1...262144"),
        (["run", "--backend", "kmod", "--gup", "memfd", "--unpin", "per-page"], "so it unpins per folio"),
        (["run", "--backend", "mlock", "--unpin", "folio"], "--unpin needs --backend foliosim or --backend kmod"),
        (["sweep", "--backends", "populate", "--gup", "fast"], "--gup fast is kmod's and needs kmod in --backends"),
        (["run", "--backend", "vfio", "--map-device", "0000:00:04.0"], "--map-device and --iova-base need --backend kmod"),
        (["run", "--backend", "kmod", "--map-device", "00:04"], "--map-device 00:04 is not a PCI address"),
        (["run", "--backend", "kmod", "--iova-base", "4G"], "--iova-base needs --map-device"),
        (["run", "--backend", "kmod", "--map-device", "00:04.0", "--iova-base", "4097"], "--iova-base 4097 is out of range"),
        (["run", "--backend", "kmod", "--map-device", "00:04.0", "--iova-base", "0x100000000000000"], "is out of range"),
        (["run", "--backend", "kmod", "--map-device", "00:04.0", "--iova-base", "lots"], "--iova-base lots is not a size"),
    ])
    func optionRefusals(arguments: [String], message: String) throws {
        let result = try PinbenchProcess.run(arguments + ["--size", "4M"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test("without the module, run is refused with how to load it, and a sweep skips every kmod cell with that reason",
          .enabled(if: !loaded, "the module is loaded here"))
    func notLoaded() throws {
        let run = try PinbenchProcess.run(["run", "--backend", "kmod", "--size", "4M"])
        #expect(run.status == 2, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("kernel module is not loaded") && run.stderr.contains("scripts/kmod.sh load"))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pinbench-kmod-sweep-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sweep = try PinbenchProcess.run([
            "sweep", "--backends", "kmod", "--memory", "anon", "--sizes", "4M", "--threads", "1,2", "--reps", "1",
            "--warmup", "0", "--output", directory,
        ])
        #expect(sweep.status == 2, "stderr: \(sweep.stderr)")
        #expect(sweep.stderr.contains("no cell could run"))
        let skipped = try String(contentsOfFile: directory + "/skipped.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(skipped.count == 5)  // single/1, user/1, user/2, kernel/1, kernel/2
        #expect(skipped.allSatisfy { $0.contains("kernel module is not loaded") })
    }
}
