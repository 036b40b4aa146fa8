import ArgumentParser
import PinCore
import PinHarness
import PinSystem

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print how a strategy would split a range, without touching memory.",
        discussion: "Example: pinbench plan --strategy kernel --size 360G --threads 16 --align pmd --min-chunk 128M"
    )

    @Option(help: "single, user or kernel.", transform: { try parseChoice($0, "strategy") as Strategy })
    var strategy: Strategy = .kernel

    @Option(help: "Range size (4K, 2M, 512MiB, 1G, 1.5T).", transform: parseSize)
    var size: ByteSize

    @Option(help: "Threads (user: slices; kernel: padata max_threads). Default: CPUs available.")
    var threads: Int?

    @Option(help: "Memory kind: \(MemoryKind.allCases.map(\.rawValue).joined(separator: ", ")).",
            transform: { try parseChoice($0, "memory kind") as MemoryKind })
    var memory: MemoryKind = .hugetlb2m

    @Option(name: .customLong("cut-align"), help: "user: where cuts fall: page, base, pmd, pud, folio.",
            transform: { try parseChoice($0, "cut alignment") as CutAlign })
    var cutAlign: CutAlign = .page

    @Option(help: "kernel: padata align: base, pmd, pud, folio.",
            transform: { try parseChoice($0, "alignment") as CutAlign })
    var align: CutAlign = .pmd

    @Option(name: .customLong("min-chunk"), help: "kernel: padata min_chunk.", transform: parseSize)
    var minChunk: ByteSize = .mib(128)

    @Option(name: .customLong("max-threads"), help: "kernel: padata max_threads (default: --threads).")
    var maxThreads: Int?

    @Flag(help: "Print the plan as JSON with every chunk.")
    var json = false

    func run() throws {
        let threads = self.threads ?? CPUSet.allowed().count
        let kernel = KernelPlanParameters(align: align, minChunk: minChunk, maxThreads: maxThreads ?? threads)
        do {
            let plan = try CutPlanner.plan(strategy: strategy, size: size, memory: memory, threads: threads,
                                           cutAlign: cutAlign, kernel: kernel)
            print(json ? PlanReport.json(plan) : PlanReport.text(plan, kernel: kernel))
        } catch {
            throw reportFailure(.invalidInput(error.description))
        }
    }
}
