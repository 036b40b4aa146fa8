import ArgumentParser
import PinHarness
import PinSystem

/// `pinbench`: the root command. The executable target is one line that calls `main()`, so
/// tests and the fuzzer can parse and validate the real commands in process.
public struct PinBenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pinbench",
        abstract: "Measure how fast Linux populates and pins large memory ranges: single-threaded, "
            + "userspace-threaded (QEMU-style slices) and kernel-style (padata chunks).",
        discussion: """
            pinbench compares three strategies for populating and pinning one range: single (one thread), \
            user (N userspace threads, each its own slice, as QEMU and Cloud Hypervisor split a range) and \
            kernel (padata-style helpers taking PMD/PUD-aligned chunks from one cursor), on real memory of \
            every kind (anon, thp, hugetlb-2m/1g, memfd, hugetlbfs) through several backends (populate, \
            mlock, touch, vfio, foliosim, and kmod, its own kernel module). Every run verifies what it \
            claims (pages resident, locked or pinned, refcounts balanced) and is reported as failed if not.

            Start with `pinbench doctor` (what this machine can pin, and how to fix what it cannot), then \
            `pinbench run --size 1G` (one table), `pinbench sweep` (a result set under results/), \
            `pinbench report DIR --format text` (a table for a plain-text cover letter) and \
            `pinbench forecast DIR --size 1T` (a bigger machine's times). Each subcommand has its own page: \
            man pinbench.run, pinbench.sweep, ...

            Exit codes: 0 done; 1 a step failed while measuring; 3 some runs failed verification; 2 input that cannot \
            work (a size that does not fit the page size) or a machine that cannot give what was asked (an \
            empty hugepage pool, RLIMIT_MEMLOCK, no device), with the command that fixes it; 64 a bad \
            option; 130 interrupted (what finished is kept).
            """,
        version: PinBenchVersion.string,
        subcommands: [RunCommand.self, SweepCommand.self, ReportCommand.self, ForecastCommand.self, PlanCommand.self, DoctorCommand.self,
                      CalibrateCommand.self, TopologyCommand.self, HoldCommand.self, VFIORulesCommand.self],
        defaultSubcommand: nil
    )

    public init() {}

    /// Every start first gives back what a killed pinbench left on the machine (its journal).
    public static func main() {
        for line in MachineJournal.recoverStale() { printError("pinbench: \(line)") }
        main(nil)
    }
}
