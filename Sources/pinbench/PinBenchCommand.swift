import ArgumentParser
import PinHarness
import PinSystem

@main
struct PinBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pinbench",
        abstract: "Measure how fast Linux populates and pins large memory ranges: single-threaded, "
            + "userspace-threaded (QEMU-style slices) and kernel-style (padata chunks).",
        version: PinBenchVersion.string,
        subcommands: [RunCommand.self, SweepCommand.self, ReportCommand.self, ForecastCommand.self, PlanCommand.self, DoctorCommand.self,
                      CalibrateCommand.self, TopologyCommand.self, HoldCommand.self, VFIORulesCommand.self],
        defaultSubcommand: nil
    )

    /// Every start first gives back what a killed pinbench left on the machine (its journal).
    static func main() {
        for line in MachineJournal.recoverStale() { printError("pinbench: \(line)") }
        main(nil)
    }
}
