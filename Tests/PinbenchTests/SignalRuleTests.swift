#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// One rule for signals whatever the timing: SIGINT and SIGTERM end a run with 130 and 143 at
/// any moment from start-up, unless SIGINT was ignored when pinbench started (a background
/// job of a non-interactive shell), in which case it stays ignored for the whole run and
/// SIGTERM still stops it. Each start state is tried at several points in time, the first
/// before pinbench has parsed its arguments.
@Suite("Signals: one rule from start-up to exit", .serialized)
struct SignalRuleTests {
    /// About 1.5 s of repetitions on this VM; the signal lands well before the end.
    static let run = ["run", "--size", "16M", "--strategy", "single", "--reps", "200", "--warmup", "0",
                      "--backend", "populate"]
    static let delays: [Double] = [0.005, 0.08, 0.4]

    /// Starts pinbench through `sh` (which sets SIGINT's disposition, kept across exec), sends
    /// `signal` after `delay` seconds, and returns how it ended: its exit status, or 128 + the
    /// signal that killed it (what a shell reports either way).
    static func endStatus(ignoringSIGINT: Bool, signal: Int32, after delay: Double) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let command = (ignoringSIGINT ? "trap '' INT; " : "trap - INT; ") + "exec \"$0\" \"$@\""
        process.arguments = ["-c", command, PinbenchProcess.binary.path] + run
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(delay * 1_000_000))
        kill(process.processIdentifier, signal)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, stderr)
    }

    @Test("started normally: SIGINT ends it with 130 and SIGTERM with 143, at every moment", arguments: delays)
    func honoured(delay: Double) throws {
        let interrupted = try Self.endStatus(ignoringSIGINT: false, signal: SIGINT, after: delay)
        #expect(interrupted.status == 130, "after \(delay) s: \(interrupted.stderr)")
        let terminated = try Self.endStatus(ignoringSIGINT: false, signal: SIGTERM, after: delay)
        #expect(terminated.status == 143, "after \(delay) s: \(terminated.stderr)")
    }

    @Test("started with SIGINT ignored: SIGINT stays ignored to the end, SIGTERM still ends it with 143", arguments: delays)
    func inheritedIgnore(delay: Double) throws {
        let ignored = try Self.endStatus(ignoringSIGINT: true, signal: SIGINT, after: delay)
        #expect(ignored.status == 0, "after \(delay) s: \(ignored.stderr)")
        #expect(!ignored.stderr.contains("interrupted"), "\(ignored.stderr)")
        let terminated = try Self.endStatus(ignoringSIGINT: true, signal: SIGTERM, after: delay)
        #expect(terminated.status == 143, "after \(delay) s: \(terminated.stderr)")
    }
}
