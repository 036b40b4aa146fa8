import ArgumentParser
import PinBackends
import PinCore

/// The `foliosim` backend's options, shared by `run`, `sweep` and `calibrate`.
struct FolioSimOptionGroup: ParsableArguments {
    @Option(name: .customLong("gup"),
            help: "foliosim: grab references per-page (a walk and atomics per 4 KiB page, GUP before folios) or per folio (batched). Default: folio.",
            transform: { try parseChoice($0, "gup mode") as GUPMode })
    var pin: GUPMode?

    @Option(name: .customLong("unpin"),
            help: "foliosim: drop references per-page (unpin_user_page) or per folio (batched unpin_user_pages). Default: as --gup.",
            transform: { try parseChoice($0, "unpin mode") as GUPMode })
    var unpin: GUPMode?

    @Option(name: .customLong("folios"),
            help: "foliosim: folio layout: memory (the --memory kind's folio size), mixed:<seed> (a seeded mix of 1G, 2M, 64K, 16K and 4K folios) or pagemap (what the kernel gave a real region; root). Default: memory.",
            transform: parseFolioLayout)
    var layout: FolioLayout?

    var options: FolioSimOptions {
        FolioSimOptions(pin: pin ?? .folio, unpin: unpin, layout: layout ?? .memory)
    }

    /// Whether any foliosim option was given (they need `--backend foliosim`).
    var given: Bool { pin != nil || unpin != nil || layout != nil }

    /// The options as given, for a command line to be replayed (sweep.json).
    var arguments: [String] {
        var arguments: [String] = []
        if let pin { arguments += ["--gup", pin.rawValue] }
        if let unpin { arguments += ["--unpin", unpin.rawValue] }
        if let layout { arguments += ["--folios", layout.description] }
        return arguments
    }
}

func parseFolioLayout(_ text: String) throws -> FolioLayout {
    do { return try FolioLayout(parsing: text) } catch { throw ValidationError(error.description) }
}
