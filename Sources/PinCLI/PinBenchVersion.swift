import Foundation

enum PinBenchVersion {
    static let string = "0.1.0"

    /// The commit this pinbench was built from, for the machine record: `PINBENCH_GIT_COMMIT`
    /// when set (scripts that copy the binary away from its checkout set it; set it empty to
    /// record none), else what git says about the checkout holding the running executable,
    /// with `-dirty` when tracked files differ from that commit. Nil on any failure (no git,
    /// an installed binary outside a checkout), since a record without a commit beats no record.
    static func gitCommit() -> String? {
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
