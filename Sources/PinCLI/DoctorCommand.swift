import ArgumentParser
import PinHarness
import PinSystem

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Say which pin paths work on this machine, why the others do not, and what would fix them.",
        discussion: """
            Each path is tried for real on a 64K range: MADV_POPULATE_WRITE, mlock, an io_uring \
            long-term pin (the vfio shim), a VFIO type1 container and an iommufd IOAS. Then the \
            settings that change results: root, RLIMIT_MEMLOCK, hugepage pools, hugetlbfs mounts, THP, NUMA balancing, \
            VM effects. \(ExitStatus.seeList): 0 when the shim works (every backend can run), 1 when it cannot pin.
            """
    )

    @Flag(help: "Give back what a killed pinbench left on the machine (hugepage pools it grew), then diagnose. Every pinbench start tries this too; without the right it prints the command.")
    var restore = false

    func run() throws {
        if restore {
            let lines = MachineJournal.recoverStale()
            print(lines.isEmpty ? "restore: nothing left to give back" : lines.map { "restore: \($0)" }.joined(separator: "\n"))
        }
        let machine = MachineRecord.current(version: PinBenchVersion.string, gitCommit: PinBenchVersion.gitCommit())
        let diagnosis = Doctor.report(machine: machine)
        print(diagnosis.text)
        if !diagnosis.shimWorks { throw ExitStatus.failed.exitCode }
    }
}
