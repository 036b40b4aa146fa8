import ArgumentParser
import PinCore
import PinHarness

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print how a strategy would split a range, without touching memory.",
        discussion: """
            Example: pinbench plan --strategy kernel --size 360G --threads 16 --align pmd --min-chunk 128M. \
            \(ExitStatus.seeList).
            """
    )

    @Option(help: "single, user or kernel (default: kernel).", transform: { try parseChoice($0, "strategy") as Strategy })
    var strategy: Strategy = .kernel

    @Option(parsing: .unconditional, help: OptionRange.size.help("Range size: 4K, 2M, 512MiB, 1G, 1.5T."), transform: OptionRange.size.parse)
    var size: ByteSize

    @OptionGroup var planning: PlanOptions

    @OptionGroup(title: "NUMA") var numa: NUMAOptionGroup

    @Flag(help: "Print the plan as JSON with every chunk.")
    var json = false

    func run() throws {
        let plan: CutPlan
        do {
            plan = try CutPlanner.plan(strategy: strategy, size: size, memory: planning.memory,
                                       threads: planning.resolvedThreads, cutAlign: planning.cutAlign, kernel: planning.kernel)
        } catch {
            throw reportFailure(.invalidInput(error.description))
        }
        let setup: NUMASetup
        do { setup = try NUMASetup(numa.options) } catch { throw reportFailure(error) }
        print(json ? PlanReport.json(plan, numa: setup) : PlanReport.text(plan) + "\n" + PlanReport.numaText(plan, setup))
    }
}
