import ArgumentParser
import PinCore
import PinSystem

/// The options that shape a plan, shared by `run` and `plan`.
struct PlanOptions: ParsableArguments {
    @Option(help: "Threads (user: slices; kernel: padata max_threads). Default: CPUs available.")
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

    @Option(name: .customLong("min-chunk"), help: "kernel: padata min_chunk (default: 128M).", transform: parseSize)
    var minChunk: ByteSize = .mib(128)

    @Option(name: .customLong("max-threads"), help: "kernel: padata max_threads (default: --threads).")
    var maxThreads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
        if let maxThreads, maxThreads < 1 { throw ValidationError("--max-threads must be at least 1") }
    }

    /// `--threads`, or every CPU this process may use.
    var resolvedThreads: Int { threads ?? CPUSet.allowed().count }

    var kernel: KernelPlanParameters {
        KernelPlanParameters(align: align, minChunk: minChunk, maxThreads: maxThreads ?? resolvedThreads)
    }
}
