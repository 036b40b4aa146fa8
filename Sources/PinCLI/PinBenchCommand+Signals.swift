#if canImport(Glibc)
import Glibc
#endif
import PinSystem

extension PinBenchCommand {
    /// The one signal rule, from start-up to exit (`InterruptFlag`): called first by the entry
    /// point, before the arguments are parsed, so no moment of a run answers a signal otherwise.
    public static func installSignalHandlers() { InterruptFlag.install() }

    /// After a command returned: a signal that arrived while it ran ends the process with
    /// 128 + its number, also for a command that never polls the flag (report, plan, ...).
    public static func exitIfInterrupted() {
        if InterruptFlag.isRaised { Glibc.exit(128 + InterruptFlag.signal) }
    }
}
