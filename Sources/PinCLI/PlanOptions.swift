import ArgumentParser
import PinCore
import PinSystem

/// The options that shape a plan, shared by `run` and `plan`.
struct PlanOptions: ParsableArguments {
    @Option(parsing: .unconditional,
            help: OptionRange.threads.help("Threads (user: slices; kernel: padata max_threads).", default: "CPUs available"),
            transform: OptionRange.threads.parse)
    var threads: Int?

    @Option(help: "Memory kind: \(MemoryKind.allCases.map(\.rawValue).joined(separator: ", ")) (default: thp).",
            transform: { try parseChoice($0, "memory kind") as MemoryKind })
    var memory: MemoryKind = .thp

    @Option(name: .customLong("cut-align"), help: "user: where cuts fall: page (QEMU), base, pmd, pud, folio (default: page).",
            transform: { try parseChoice($0, "cut alignment") as CutAlign })
    var cutAlign: CutAlign = .page

    @Option(help: "kernel: padata align: base, pmd, pud, folio (default: pmd).",
            transform: { try parseChoice($0, "alignment") as CutAlign })
    var align: CutAlign = .pmd

    @Option(name: .customLong("min-chunk"), parsing: .unconditional, help: OptionRange.minChunk.help("kernel: padata min_chunk.", default: "128M"),
            transform: OptionRange.minChunk.parse)
    var minChunk: ByteSize = .mib(128)

    @Option(name: .customLong("max-threads"), parsing: .unconditional,
            help: OptionRange.maxThreads.help("kernel: padata max_threads.", default: "--threads"), transform: OptionRange.maxThreads.parse)
    var maxThreads: Int?

    /// `--threads`, or every CPU this process may use.
    var resolvedThreads: Int { threads ?? CPUSet.allowed().count }

    var kernel: KernelPlanParameters {
        KernelPlanParameters(align: align, minChunk: minChunk, maxThreads: maxThreads ?? resolvedThreads)
    }
}
