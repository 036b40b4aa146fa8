#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import PinBackends
import PinContract
import PinCore
import PinHarness
import PinSystem

struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Keep a region pinned while a thread touches it, and show NUMA balancing's scanning beside an unpinned region.",
        discussion: """
            Pins a region with the backend and verifies the pin, then one thread writes a byte to every base page, \
            pass after pass, for --seconds; every second a line gives the passes, ns per page touched and the \
            numa_pte_updates, numa_hint_faults and numa_pages_migrated deltas of /proc/vmstat. The region is \
            unpinned and unmapped, and the same is done for as long on an unpinned region of the same kind and \
            size (populated untimed with MADV_POPULATE_WRITE) unless --no-compare. A table of both ends the run. \
            \(ExitStatus.seeList) (3: the pin or unpin did not verify; on 130/143 Ctrl-C ended the current \
            phase, then it unpinned and printed what was measured).
            """
    )

    @Option(help: "A backend that pins real memory: \(Backends.catalog.names(with: .realMemory).map(\.rawValue).joined(separator: ", ")) (default: vfio, the shim unless --vfio says otherwise).",
            transform: parseBackend)
    var backend: BackendID = .vfio

    @Option(help: "Memory kind: \(MemoryKind.allCases.map(\.rawValue).joined(separator: ", ")) (default: thp).",
            transform: { try parseChoice($0, "memory kind") as MemoryKind })
    var memory: MemoryKind = .thp

    @Option(parsing: .unconditional, help: OptionRange.size.help("Region size: 16M, 1G, 512MiB.", default: "1G"),
            transform: OptionRange.size.parse)
    var size: ByteSize = .gib(1)

    @Option(parsing: .unconditional, help: OptionRange.holdSeconds.help("How long each region is touched, in seconds (fractions allowed).", default: "10"),
            transform: OptionRange.holdSeconds.parse)
    var seconds: Double = 10

    @Flag(name: .customLong("no-compare"), help: "Touch only the pinned region, not an unpinned one after it.")
    var noCompare = false

    @Flag(help: "Write the result as one JSON object to stdout (the table goes to stderr).")
    var json = false

    @Option(name: .customLong("toucher-cpus"),
            help: "CPUs the touching thread runs on, as a CPU list (0-3,8). Default: wherever the scheduler puts it.")
    var toucherCPUs: String?

    @Option(parsing: .unconditional,
            help: "Where both regions' memory comes from, set with mbind before the first touch and read back: a node number (\(OptionRange.node.rangeText)), interleave, local, or device (the node of the backend's VFIO device or --map-device). Default: first touch. A CPU-less node (device memory, CXL) is allowed; each phase ends with a move_pages sample of where the pages are.",
            transform: parsePlacement)
    var node: MemoryPlacement?

    @OptionGroup(title: "Backend options") var backendOptions: BackendOptionGroup

    /// `--toucher-cpus` as CPU numbers; nil when not given or not a CPU list (`validate` refuses that).
    var toucherCPUList: [Int]? { toucherCPUs.flatMap(CPUList.parse) }

    func validate() throws {
        _ = try options()
        if let toucherCPUs {
            guard let cpus = toucherCPUList, !cpus.isEmpty else {
                throw ValidationError("--toucher-cpus must be a CPU list like 0-3,8, not '\(toucherCPUs)'")
            }
            let online = Set(NodeInfo.onlineCPUs())
            let offline = cpus.filter { !online.contains($0) }
            if !offline.isEmpty {
                throw ValidationError("--toucher-cpus names CPUs this machine does not have online: \(CPUList.format(offline))")
            }
        }
    }

    /// The backend's options from what was typed, refusing any it does not take.
    func options() throws -> any BackendOptions {
        try backendOptions.options(for: [backend], bind: .none) { "--backend \($0)" }[0]
    }

    func run() throws {
        let configuration = HoldConfiguration(
            backendOptions: try options(), memory: memory, size: size,
            seconds: seconds, compareUnpinned: !noCompare, toucherCPUs: toucherCPUList, placement: node ?? .firstTouch)
        let hold: Hold
        do { hold = try Hold(configuration) } catch { throw reportFailure(error) }

        let title = "pinbench hold: \(configuration.backendDescription) on \(size) of \(memory), "
            + "\(formatDecimal(seconds, digits: seconds == seconds.rounded() ? 0 : 2)) s per region"
            + (noCompare ? "" : ", then unpinned") + ", numa_balancing \(hold.numaBalancing)"
            + (configuration.toucherCPUs.map { ", toucher on CPUs \(CPUList.format($0))" } ?? "")
            + (node.map { ", memory --node \($0)" } ?? "")
        printError(title)
        for note in hold.notes { printError("note: \(note)") }

        let result: HoldResult
        do {
            result = try hold.run(onEvent: { event in
                switch event {
                case .pinned(let check, let seconds):
                    printError("pinned in \(DurationFormat.seconds(seconds)): \(check)")
                case .phaseStarted(_, let label):
                    printError("touching: \(label), for \(formatDecimal(seconds, digits: 1)) s")
                case .sample(let sample, let label):
                    printError(Self.progressLine(sample, label: label))
                case .unpinned(let check):
                    printError("unpinned: \(check)")
                }
            })
        } catch {
            throw reportFailure(error)
        }

        let report = "\n\(title)\n\n\(result.markdown())"
        if json {
            do { printFlushed(try JSONLinesAppender.line(result)) } catch {
                throw reportFailure(.failed(error.description))
            }
            printError(report)
        } else {
            print(report)
        }
        if let error = result.error { throw reportFailure(.failed(error)) }
        if result.interrupted {
            printError("pinbench: interrupted; what was measured is above")
            throw ExitStatus.interrupted(by: InterruptFlag.signal == 0 ? SIGINT : InterruptFlag.signal).exitCode
        }
        if !result.verified {
            printError("pinbench: the pin or unpin did not verify (see above)")
            throw ExitStatus.verificationFailed.exitCode
        }
    }

    /// `[pinned by vfio shim] 3 s: 12.4 passes, 38.1 ns/page, numa_pte_updates +0, ...`
    static func progressLine(_ sample: HoldResult.Sample, label: String) -> String {
        let counters = VMStat.numaBalancingCounters.map { name in
            "\(name) " + (sample.numa[name].map { ($0 < 0 ? "" : "+") + String($0) } ?? "-")
        }
        return "[\(label)] \(formatDecimal(sample.endSeconds, digits: 1)) s: "
            + "\(formatDecimal(sample.passes, digits: 1)) passes, "
            + "\(formatDecimal(sample.nanosecondsPerPage, digits: 1)) ns/page, "
            + counters.joined(separator: ", ")
    }
}
