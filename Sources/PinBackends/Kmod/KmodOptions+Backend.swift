import PinContract
import PinCore
import PinSystem

extension BackendID {
    public static let kmod = BackendID(rawValue: "kmod")
}

extension BackendOption {
    /// kmod: pages (folios for memfd) per pin call in the module.
    public static let gupBatch = BackendOption("--gup-batch")
}

/// The figures a `kmod` run reports: the kernel's own times and what it pinned.
public enum KmodMetric {
    public static let kernelCalls = Metric("kernelCalls", heading: "module calls")
    public static let inKernelPin = Metric("inKernelPinSeconds", unit: .seconds, heading: "in-kernel pin")
    public static let inKernelUnpin = Metric("inKernelUnpinSeconds", unit: .seconds, heading: "in-kernel unpin")
    /// What the module allocated to hold the pins: its run arrays, about 16 bytes per folio run.
    public static let runArrayBytes = Metric("runArrayBytes", unit: .bytes, heading: "run arrays")
    /// The same figure foliosim reports, so one column holds both.
    public static let folios = FolioSimMetric.folios

    public static let options = BackendFact("kmod")
}

extension KmodOptions: BackendOptions {
    public static let backend = BackendID.kmod
    public static let summary = "PinBench's kernel module (/dev/pinbench): pins in the kernel, kernel strategy with kworkers"
    public static var metrics: [Metric] {
        [KmodMetric.kernelCalls, KmodMetric.inKernelPin, KmodMetric.inKernelUnpin, KmodMetric.folios, KmodMetric.runArrayBytes]
    }
    public static var accepts: [(option: BackendOption, values: BackendOption.Values)] {
        [(.gup, .only(PinBenchModule.PinPath.allCases.map(\.rawValue))), (.unpin, .any), (.gupBatch, .any)]
    }
    public static let specificationKey: String? = "kmod"

    /// `--bind roundrobin` places the module's helpers on nodes, as padata does.
    public init(arguments: BackendArguments) throws(BackendOptionError) {
        let pin = Self.value(of: .gup, in: arguments).flatMap { PinBenchModule.PinPath(rawValue: $0) } ?? .remote
        let unpin = try Self.value(of: .unpin, in: arguments).map { text throws(BackendOptionError) in try BackendOption.unpin.choice(text, as: GUPMode.self) }
        var batch = Self.defaultBatch
        if let text = Self.value(of: .gupBatch, in: arguments) {
            guard let value = Int(text), (1...Self.maxBatch).contains(value) else {
                throw BackendOptionError("--gup-batch \(text) is out of range 1...\(Self.maxBatch): the pages the module pins per call")
            }
            batch = value
        }
        if pin == .memfd, unpin == .perPage {
            throw BackendOptionError("--gup memfd pins once per folio (memfd_pin_folios), so it unpins per folio: drop --unpin per-page")
        }
        self.init(pin: pin, gupBatch: batch, unpin: unpin ?? .folio, numaAware: arguments.bind == .roundrobin)
    }

    public var charges: ChargedCounter { .pinnedVM }
    public var capabilities: BackendCapabilities { [.prefault, .pins, .realMemory] }
    public var recorded: String? { description }

    public func makeBackend() throws(SystemError) -> any PinBackend { try KmodBackend(options: self) }
}
