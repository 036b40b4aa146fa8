import Foundation
import Testing

/// `report --compare` of two sets measured on different kernels, the comparison it exists for:
/// each side's kernel is named, the cells line up, and nothing is refused or warned about.
@Suite("pinbench report --compare across kernels")
struct CompareKernelsCommandTests {
    /// The published set's machine.json with another kernel (and, for the lab, its emulation).
    static func writeMachine(into set: String, kernel: String, emulation: String?) throws {
        let published = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../results/vm-2026-12-01/machine.json")
        var machine = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: published)) as? [String: Any])
        machine["kernelRelease"] = kernel
        if let emulation { machine["emulation"] = emulation }
        try JSONSerialization.data(withJSONObject: machine).write(to: URL(fileURLWithPath: set + "/machine.json"))
    }

    @Test("the header names both kernels and the lab's emulation; every common cell is a row; exit 0 without a warning")
    func differentKernels() throws {
        let base = try ReportFormatCommandTests.syntheticSet()
        let new = try ReportFormatCommandTests.syntheticSet()
        defer {
            try? FileManager.default.removeItem(atPath: base)
            try? FileManager.default.removeItem(atPath: new)
        }
        try Self.writeMachine(into: base, kernel: "6.12.48+deb13-amd64", emulation: nil)
        try Self.writeMachine(into: new, kernel: "6.18.0-pinbatch", emulation: "tcg")
        let result = try PinbenchProcess.run(["report", "--compare", base, new])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout.contains("Kernels: base Linux 6.12.48+deb13-amd64, new Linux 6.18.0-pinbatch (EMULATED: TCG, PinBench lab): "
            + "different kernels"), "\(result.stdout)")
        for row in ["| single | 1 |", "| user | 1 |", "| user | 2 |", "| kernel | 1 |", "| kernel | 2 |"] {
            #expect(result.stdout.contains(row), "\(row)")
        }
        let json = try PinbenchProcess.run(["report", "--compare", base, new, "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["baseKernel"] as? String == "6.12.48+deb13-amd64" && document["newKernel"] as? String == "6.18.0-pinbatch")
        #expect(document["newEmulation"] as? String == "tcg" && document["baseEmulation"] == nil)
    }
}
