import PinContract
import PinCore
import PinSystem

extension BackendID {
    public static let foliosim = BackendID(rawValue: "foliosim")
}

extension BackendOption {
    /// foliosim's folio layout: memory, mixed:<seed> or pagemap.
    public static let folios = BackendOption("--folios")
}

/// The figures a `foliosim` run reports.
public enum FolioSimMetric {
    public static let folios = Metric("folios", heading: "folios")
    public static let pinGrabs = Metric("pinGrabs", heading: "pin grabs")
    public static let pinAtomics = Metric("pinAtomics", heading: "pin atomics")
    public static let casRetries = Metric("casRetries", heading: "CAS retries")
    public static let unpinPuts = Metric("unpinPuts", heading: "unpin puts")
    public static let cutsInsideFolio = Metric("cutsInsideFolio", heading: "cuts inside folio")

    public static let options = BackendFact("foliosim")
    public static let census = BackendFact("folios")
}

extension FolioSimOptions: BackendOptions {
    public static let backend = BackendID.foliosim
    public static let summary = "simulated GUP over a simulated memmap and page table (--gup per-page|folio)"
    public static var metrics: [Metric] {
        [FolioSimMetric.folios, FolioSimMetric.pinGrabs, FolioSimMetric.pinAtomics, FolioSimMetric.casRetries,
         FolioSimMetric.unpinPuts, FolioSimMetric.cutsInsideFolio]
    }
    public static var accepts: [(option: BackendOption, values: BackendOption.Values)] {
        [(.gup, .only(GUPMode.allCases.map(\.rawValue))), (.unpin, .any), (.folios, .any)]
    }
    public static let specificationKey: String? = "foliosim"

    public init(arguments: BackendArguments) throws(BackendOptionError) {
        let pin = Self.value(of: .gup, in: arguments).flatMap { GUPMode(rawValue: $0) } ?? .folio
        let unpin = try Self.value(of: .unpin, in: arguments).map { text throws(BackendOptionError) in try BackendOption.unpin.choice(text, as: GUPMode.self) }
        var layout = FolioLayout.memory
        if let text = Self.value(of: .folios, in: arguments) {
            do { layout = try FolioLayout(parsing: text) } catch { throw BackendOptionError(error.description) }
        }
        self.init(pin: pin, unpin: unpin, layout: layout)
    }

    public var charges: ChargedCounter { .none }
    /// Simulated: nothing is pinned for the kernel to see, and its memmap is built before every
    /// pin phase, so there is nothing to prefault.
    public var capabilities: BackendCapabilities { [] }
    public var recorded: String? { description }

    public func refusal(prefault: Bool, strategies: [Strategy]) -> String? {
        guard prefault, !capabilities.contains(.prefault) else { return nil }
        return "--prefault does not apply to foliosim: its memmap is built before every pin phase, and with "
            + "--folios pagemap the real region is populated anyway"
    }

    public func makeBackend() -> any PinBackend { FolioSimBackend(options: self) }
}
