import ArgumentParser
import PinBackends
import PinCore
import PinSystem

/// The options of the two backends that pin pages themselves, `foliosim` (simulated GUP) and
/// `kmod` (PinBench's module), shared by `run` and `sweep`: one `--gup` and one `--unpin`,
/// each value meaning what it means to the backend that takes it.
struct GUPOptionGroup: ParsableArguments {
    /// Every `--gup` value: foliosim's two ways to grab references, the module's three pin paths.
    enum Choice: String, CaseIterable {
        case perPage = "per-page", folio, remote, fast, memfd

        var folioSim: GUPMode? { GUPMode(rawValue: rawValue) }
        var kmod: PinBenchModule.PinPath? { PinBenchModule.PinPath(rawValue: rawValue) }
    }

    @Option(name: .customLong("gup"),
            help: """
                foliosim: per-page (a walk and atomics per 4 KiB page) or folio (batched; default). \
                kmod: remote (pin_user_pages_remote under mmap_read_lock; default), fast (pin_user_pages_fast \
                on the caller's own worker) or memfd (memfd_pin_folios, one pin per folio; memfd and hugetlbfs kinds).
                """,
            transform: { try parseChoice($0, "gup mode") as Choice })
    var pin: Choice?

    @Option(name: .customLong("unpin"),
            help: "foliosim and kmod: drop pins per-page (unpin_user_page) or per folio (batched). Default: foliosim as --gup, kmod folio.",
            transform: { try parseChoice($0, "unpin mode") as GUPMode })
    var unpin: GUPMode?

    @Option(name: .customLong("gup-batch"),
            help: "kmod: pages (folios for --gup memfd) per pin call inside the module, 1 to 4096 (default 512, as type1).")
    var gupBatch: Int?

    @Option(name: .customLong("folios"),
            help: "foliosim: folio layout: memory (the --memory kind's folio size), mixed:<seed> (a seeded mix of 1G, 2M, 64K, 16K and 4K folios) or pagemap (what the kernel gave a real region; root). Default: memory.",
            transform: parseFolioLayout)
    var layout: FolioLayout?

    /// Checks that what was given fits the backends that will run; `needs(backend)` says how
    /// to ask for one ("--backend kmod", "kmod in --backends").
    func check(backends: [BackendKind], needs: (String) -> String) throws {
        let folioSim = backends.contains(.foliosim)
        let kmod = backends.contains(.kmod)
        if let pin {
            if pin.folioSim != nil, !folioSim {
                throw ValidationError("--gup \(pin.rawValue) is foliosim's and needs \(needs("foliosim")); kmod takes remote, fast or memfd")
            }
            if pin.kmod != nil, !kmod {
                throw ValidationError("--gup \(pin.rawValue) is kmod's and needs \(needs("kmod")); foliosim takes per-page or folio")
            }
        }
        if unpin != nil, !folioSim, !kmod { throw ValidationError("--unpin needs \(needs("foliosim")) or \(needs("kmod"))") }
        if let gupBatch {
            guard kmod else { throw ValidationError("--gup-batch needs \(needs("kmod"))") }
            guard (1...KmodOptions.maxBatch).contains(gupBatch) else {
                throw ValidationError("--gup-batch \(gupBatch): the module pins 1 to \(KmodOptions.maxBatch) pages per call")
            }
        }
        if layout != nil, !folioSim { throw ValidationError("--folios needs \(needs("foliosim"))") }
        if pin == .memfd, unpin == .perPage {
            throw ValidationError("--gup memfd pins once per folio (memfd_pin_folios), so it unpins per folio: drop --unpin per-page")
        }
    }

    var folioSimOptions: FolioSimOptions {
        FolioSimOptions(pin: pin?.folioSim ?? .folio, unpin: unpin, layout: layout ?? .memory)
    }

    /// The module's helpers are placed on nodes when the workers are bound round-robin.
    func kmodOptions(bind: BindPolicy) -> KmodOptions {
        KmodOptions(pin: pin?.kmod ?? .remote, gupBatch: gupBatch ?? KmodOptions.defaultBatch, unpin: unpin ?? .folio,
                    numaAware: bind == .roundrobin)
    }

    /// The options as given, for a command line to be replayed (sweep.json).
    var arguments: [String] {
        var arguments: [String] = []
        if let pin { arguments += ["--gup", pin.rawValue] }
        if let unpin { arguments += ["--unpin", unpin.rawValue] }
        if let gupBatch { arguments += ["--gup-batch", String(gupBatch)] }
        if let layout { arguments += ["--folios", layout.description] }
        return arguments
    }
}

func parseFolioLayout(_ text: String) throws -> FolioLayout {
    do { return try FolioLayout(parsing: text) } catch { throw ValidationError(error.description) }
}
