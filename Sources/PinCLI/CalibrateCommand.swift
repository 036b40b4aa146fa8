import ArgumentParser
import PinBackends
import PinCore
import PinHarness
import PinSystem

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Relate foliosim's simulated per-page pin to real pins on this machine, per 4 KiB page.",
        discussion: """
            Times, single-threaded and interleaved round by round, the pin phase of foliosim per-page (the \
            reference) and per folio, the vfio shim's io_uring long-term pin and MADV_POPULATE_WRITE, the last \
            two on memory populated before the timed phase, and prints each per 4 KiB page and as a multiple of \
            the reference. A method the machine cannot run (an empty hugepage pool, a memlock limit) gets a row \
            saying why. \(ExitStatus.seeList).
            """
    )

    @Option(help: "Comma list of memory kinds: \(MemoryKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var memory: String = "anon"

    @Option(parsing: .unconditional, help: OptionRange.size.help("Region size.", default: "512M"), transform: OptionRange.size.parse)
    var size: ByteSize = .mib(512)

    @Option(name: .customLong("reps"), parsing: .unconditional, help: OptionRange.repetitions.help("Measured rounds.", default: "7"),
            transform: OptionRange.repetitions.parse)
    var repetitions = 7

    @Option(name: .customLong("warmup"), parsing: .unconditional, help: OptionRange.warmups.help("Warm-up rounds.", default: "1"),
            transform: OptionRange.warmups.parse)
    var warmups = 1

    @Option(name: .customLong("map-device"),
            help: "Also time PinBench's module pinning and mapping into the IOMMU domain of this PCI device (0000:00:04.0), bound to the module.")
    var mapDevice: String?

    func validate() throws {
        _ = try kinds()
        _ = try kmodMap()
    }

    /// `--map-device` as the module's map mode.
    func kmodMap() throws -> KmodOptions.Map? {
        guard let mapDevice else { return nil }
        guard let address = PinBenchModule.pciAddress(mapDevice) else {
            throw ValidationError("--map-device \(mapDevice) is not a PCI address: give it as 0000:00:04.0 (lspci -D)")
        }
        return KmodOptions.Map(device: address)
    }

    /// `--memory` as memory kinds.
    func kinds() throws -> [MemoryKind] {
        try SweepCommand.list(memory, "--memory").map { try parseChoice($0, "memory kind") }
    }

    func run() throws {
        let kinds = try kinds()
        let calibration = Calibration(memory: kinds, size: size, repetitions: repetitions, warmups: warmups, kmodMap: try kmodMap())
        let machine = MachineRecord.current(version: PinBenchVersion.string, gitCommit: PinBenchVersion.gitCommit())
        let title = "pinbench calibrate: \(size) of \(kinds.map(\.rawValue).joined(separator: ", ")), single thread, "
            + "\(repetitions) reps + \(warmups) warm-up"
        printError(title)
        let total = (repetitions + warmups) * kinds.count * 4  // at most 200000 x 11 x 4: the ranges bound it
        var done = 0
        let rows: [Calibration.Row]
        do {
            rows = try calibration.run { record, method in
                done += 1
                let status = record.verified ? "verified" : "FAILED: \(record.error ?? record.pinnedCheck.description)"
                printError("[\(done)/~\(total)] \(record.warmup ? "warm-up" : "rep \(record.rep + 1)") \(record.memory) \(method): "
                    + "pin \(DurationFormat.seconds(record.pinSeconds)), \(status)")
            }
        } catch {
            throw reportFailure(error)
        }
        print("\n\(title)\nmachine: \(machine.oneLine)\n\n\(Calibration.markdown(rows))")
        if let reference = rows.first(where: { $0.method == Calibration.reference && $0.secondsPerPage != nil }),
           let real = rows.first(where: { $0.memory == reference.memory && $0.method.hasPrefix("vfio") && $0.ratio != nil }) {
            print("\nRead: on \(reference.memory), a real long-term pin costs \(DurationFormat.ratio(real.ratio!)) the model's "
                + "per-page pin per 4 KiB page here; multiply foliosim times by that to estimate this kernel's.")
        }
        if InterruptFlag.isRaised {
            printError("pinbench: interrupted")
            throw ExitStatus.interrupted(by: InterruptFlag.signal).exitCode
        }
        let failed = rows.contains { $0.verified < $0.runs }
        if failed {
            printError("pinbench: some runs failed verification; they are excluded from the table")
            throw ExitStatus.verificationFailed.exitCode
        }
    }
}
