import ArgumentParser
import Foundation
import PinCore
import PinHarness
import PinSystem

struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Print this machine's NUMA topology: nodes, CPUs, memory, hugepage pools per node, distances.",
        discussion: """
            Read from sysfs and cross-checked with libnuma (numa_available first; one node is a normal answer). \
            With --topology, prints the simulated shape that run, sweep and plan would use instead. \
            \(ExitStatus.seeList).
            """
    )

    @Option(help: "Show a simulated topology instead: 2x8 or \"0:0-7,1:8-15\".")
    var topology: String?

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    func run() throws {
        let numaBalancing = NUMABalancing.current().sysctlValue
        let report: TopologyReport
        if let topology {
            do {
                report = TopologyReport(simulated: try NUMASetup.simulatedTopology(topology), numaBalancing: numaBalancing)
            } catch {
                throw reportFailure(error)
            }
        } else {
            report = TopologyReport(machine: MachineTopology.current(), numaBalancing: numaBalancing,
                                    memoryTotalBytes: (try? MemoryInfo.current())?.totalBytes)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.markdown())
        }
    }
}
