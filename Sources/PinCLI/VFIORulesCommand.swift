import ArgumentParser
import Foundation
import PinBackends
import PinCore
import PinHarness
import PinSystem

struct VFIORulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vfio-rules",
        abstract: "Try VFIO type1's map and unmap rules on the shim and on real containers, side by side.",
        discussion: """
            Each rule is one call that type1 answers in a known way: a map over a mapping (EEXIST), \
            an unmap that cuts a mapping (EINVAL), an unmap of nothing (succeeds), one mapping more \
            than dma_entry_limit (ENOSPC), a map over RLIMIT_MEMLOCK without CAP_IPC_LOCK (ENOMEM); \
            and container-lock: a 4K map from a second thread while a 64M one is in flight returns \
            first only where the container does not serialize map calls (type1 does, iommufd does not; \
            each mapper is held against its own lock model, the shim's set by shim:type1 or shim:iommufd). \
            Every rule runs on a fresh container of each --vfio path and leaves nothing mapped; \
            iommufd-file:<device> maps by file (IOMMU_IOAS_MAP_FILE, Linux 6.13), so its rules map a memfd. \
            The entry-limit rule needs a small limit (boot with vfio_iommu_type1.dma_entry_limit=64; \
            the shim takes the machine's value, or --entry-limit); the memlock rule needs a process \
            without CAP_IPC_LOCK under a small RLIMIT_MEMLOCK (setpriv and prlimit). \
            \(ExitStatus.seeList): 0 every judged answer is type1's or a documented difference, 3 one is not, \
            2 also when a container could not be opened.
            """
    )

    /// A mapper to try: a `--vfio` path, and for the shim the container lock it models.
    struct Mapper: Equatable, CustomStringConvertible {
        var path: VFIOOptions.Path
        var containerLock: VFIOOptions.ContainerLock = .type1
        var description: String

        /// `shim`, `shim:type1`, `shim:iommufd`, `type1:<group>`, `iommufd:<device>` or `iommufd-file:<device>`.
        init(parsing text: String) throws {
            if text.hasPrefix("shim:") {
                path = .shim
                containerLock = try parseChoice(String(text.dropFirst("shim:".count)), "container lock")
                description = text
            } else {
                do { path = try VFIOOptions.Path(parsing: text) } catch { throw ValidationError(error.description) }
                description = path.description
            }
        }
    }

    @Option(name: .customLong("vfio"),
            help: "A mapper to try, repeatable: shim (shim:type1 or shim:iommufd for its container-lock model), type1:<group>, iommufd:<device> or iommufd-file:<device> (IOMMU_IOAS_MAP_FILE, rules tried on a memfd) (default: shim).",
            transform: { try Mapper(parsing: $0) })
    var paths: [Mapper] = []

    @Option(name: .customLong("rule"), help: "A rule to try, repeatable (default: all): \(VFIORules.Rule.allCases.map(\.rawValue).joined(separator: ", ")).",
            transform: { try parseChoice($0, "rule") as VFIORules.Rule })
    var rules: [VFIORules.Rule] = []

    @Option(name: .customLong("entry-limit"), parsing: .unconditional,
            help: OptionRange.entryLimit.help("The shim's dma_entry_limit.", default: "vfio_iommu_type1's parameter where it is loaded, else 65535"),
            transform: OptionRange.entryLimit.parse)
    var entryLimit: Int?

    @Flag(help: "Print the outcomes as one JSON array on stdout (the table goes to stderr).")
    var json = false

    func validate() throws {
        if Set(paths.map(\.description)).count != paths.count { throw ValidationError("each --vfio path may be given once") }
    }

    /// type1's parameter as this kernel has it, so the shim models this machine's limit.
    static func machineEntryLimit() -> Int? {
        ProcFile.readInt("/sys/module/vfio_iommu_type1/parameters/dma_entry_limit")
    }

    func run() throws {
        let paths = self.paths.isEmpty ? [try Mapper(parsing: "shim")] : self.paths
        let rules = self.rules.isEmpty ? VFIORules.Rule.allCases : self.rules
        let shimLimit = entryLimit ?? Self.machineEntryLimit() ?? IOVATable.defaultEntryLimit
        var outcomes: [[VFIORules.Outcome]] = []
        for path in paths {
            do {
                outcomes.append(try VFIORules.run(rules, mapperName: path.description) { () throws(SystemError) -> any DMAMapper in
                    switch path.path {
                    case .shim: return ShimDMAMapper(containerLock: path.containerLock, entryLimit: shimLimit)
                    case .type1(let group): return try Type1DMAMapper(group: group)
                    case .iommufd(let devices): return try IOMMUFDDMAMapper(devices: devices, domains: .shared)
                    case .iommufdFile(let devices): return try IOMMUFDDMAMapper(devices: devices, domains: .shared, mapCall: .file)
                    }
                })
            } catch {
                throw reportFailure(.unavailable("cannot open \(path): \(error)"))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(outcomes.flatMap { $0 })
            printFlushed(String(decoding: data, as: UTF8.self))
        }
        let report = "pinbench vfio-rules: RLIMIT_MEMLOCK \(MemlockLimit.current().description), shim dma_entry_limit \(shimLimit)\n\n"
            + VFIORules.markdown(outcomes)
        if json { printError(report) } else { print(report) }
        let rows = rules.indices.map { index in outcomes.map { $0[index] } }
        if rows.contains(where: { VFIORules.agreement($0) == "NO" }) {
            printError("pinbench: some answers are not type1's (see the agree column)")
            throw ExitStatus.verificationFailed.exitCode
        }
    }
}
