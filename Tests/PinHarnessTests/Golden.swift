import Foundation
import Testing

/// Expected outputs kept under `Golden/` (a test resource, read through `Bundle.module`).
///
/// `PINBENCH_UPDATE_GOLDEN=1 swift test --filter Golden` writes what the code renders now into
/// the source tree instead of comparing; rebuild and run again to check, and read the diff
/// before committing it.
enum Golden {
    static var updating: Bool { ProcessInfo.processInfo.environment["PINBENCH_UPDATE_GOLDEN"] == "1" }

    /// The source folder, for updates (the bundle is a copy made at build time).
    static let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Every golden file's name, from the bundle.
    static func names() throws -> [String] {
        let folder = try #require(Bundle.module.resourceURL?.appendingPathComponent("Golden"))
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    static func expected(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Golden/\(name)", withExtension: nil)
            ?? Bundle.module.resourceURL?.appendingPathComponent("Golden/\(name)"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Compares `actual` with the golden file `name`, or writes it there when updating.
    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if updating {
            try actual.write(to: sourceFolder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            return
        }
        let expected = try expected(name)
        guard actual != expected else { return }
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(actualLines.count, expectedLines.count)
        Issue.record("""
            \(name) differs from the golden file at line \(first + 1) \
            (PINBENCH_UPDATE_GOLDEN=1 rewrites it):
            expected: \(first < expectedLines.count ? String(expectedLines[first]) : "<end>")
            actual:   \(first < actualLines.count ? String(actualLines[first]) : "<end>")
            """, sourceLocation: sourceLocation)
    }
}
