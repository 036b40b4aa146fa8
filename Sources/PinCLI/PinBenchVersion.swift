import Foundation
import PinSystem

enum PinBenchVersion {
    /// The version this source tree is, before any release describes it: scripts/release.sh
    /// reads it from this line (`base = "X.Y.Z"`) for a checkout without a `vX.Y.Z` tag.
    static let base = "0.1.0"

    /// What `--version` and every record say: the release's own version where
    /// scripts/release.sh stamped one into the binary, the base version otherwise.
    static var string: String { BuildStamp.version ?? base }

    /// The commit this pinbench was built from, for the machine record: the one a release stamped
    /// into the binary; else `PINBENCH_GIT_COMMIT` when set (scripts that copy the binary away
    /// from its checkout set it, and the lab, whose guest sees a read-only checkout; set it
    /// empty to record none); else what git says about the checkout holding the running executable,
    /// with `-dirty` when tracked files differ from that commit. Nil on any failure (no git,
    /// an installed binary outside a checkout), since a record without a commit beats no record.
    static func gitCommit() -> String? {
        if let stamped = BuildStamp.commit { return stamped }
        if let fromEnvironment = ProcessInfo.processInfo.environment["PINBENCH_GIT_COMMIT"] {
            let trimmed = fromEnvironment.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let directory = executableDirectory(),
              let commit = git(["-C", directory, "rev-parse", "--short=12", "HEAD"]), !commit.isEmpty
        else { return nil }
        // Untracked files (build folders, scratch results) do not change what was built.
        guard let changes = git(["-C", directory, "status", "--porcelain", "--untracked-files=no"]) else {
            return commit
        }
        return changes.isEmpty ? commit : "\(commit)-dirty"
    }

    /// The folder of the running executable, through `/proc/self/exe` so that a relative
    /// `argv[0]` or a symlink in PATH still leads to the real binary in its checkout.
    private static func executableDirectory() -> String? {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath
        return path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
    }

    /// Runs git with `arguments` and returns its trimmed standard output, or nil when it cannot
    /// start or exits non-zero. Standard error is discarded: "not a git repository" is expected.
    private static func git(_ arguments: [String]) -> String? {
        let process = Process()
        // Through env so that git is found on PATH wherever it is installed.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Read before waiting: a full pipe would otherwise block git and this wait forever.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
