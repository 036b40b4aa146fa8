import PinContract
import PinCore
import PinSystem

extension BackendID {
    public static let kmod = BackendID(rawValue: "kmod")
}

extension BackendOption {
    /// kmod: pages (folios for memfd) per pin call in the module.
    public static let gupBatch = BackendOption("--gup-batch")
    /// kmod: also map into the IOMMU domain of this PCI device, bound to the module.
    public static let mapDevice = BackendOption("--map-device", valueName: "PCI address")
    /// kmod with --map-device: the IOVA of the region's first byte.
    public static let iovaBase = BackendOption("--iova-base")
}

/// The figures a `kmod` run reports: the kernel's own times and what it pinned.
public enum KmodMetric {
    public static let kernelCalls = Metric("kernelCalls", heading: "module calls")
    public static let inKernelPin = Metric("inKernelPinSeconds", unit: .seconds, heading: "in-kernel pin")
    public static let inKernelUnpin = Metric("inKernelUnpinSeconds", unit: .seconds, heading: "in-kernel unpin")
    /// What the module allocated to hold the pins: its run arrays, about 16 bytes per folio run.
    public static let runArrayBytes = Metric("runArrayBytes", unit: .bytes, heading: "run arrays")
    /// The pin phase's parts, each summed over the workers of every call: in the pin calls, in
    /// adding pages to the run records, and in `iommu_map`.
    public static let inKernelGUP = Metric("inKernelGUPSeconds", unit: .seconds, heading: "gup (workers)")
    public static let inKernelRecord = Metric("inKernelRecordSeconds", unit: .seconds, heading: "records (workers)")
    public static let inKernelMap = Metric("inKernelMapSeconds", unit: .seconds, heading: "map (workers)")
    /// The unpin phase's `iommu_unmap` time and its unpinning, summed over workers.
    public static let inKernelUnmap = Metric("inKernelUnmapSeconds", unit: .seconds, heading: "unmap (workers)")
    public static let inKernelUnpinPages = Metric("inKernelUnpinPagesSeconds", unit: .seconds, heading: "unpin pages (workers)")
    /// The longest pin call's ioctl as the module saw it, entry to return.
    public static let inKernelIoctl = Metric("inKernelIoctlSeconds", unit: .seconds, heading: "pin ioctl")
    /// `iommu_map` calls (one per physically contiguous segment).
    public static let mapCalls = Metric("mapCalls", heading: "iommu_map calls")
    /// The same figure foliosim reports, so one column holds both.
    public static let folios = FolioSimMetric.folios

    public static let options = BackendFact("kmod")
}

extension KmodOptions: BackendOptions {
    public static let backend = BackendID.kmod
    public static let summary = "PinBench's kernel module (/dev/pinbench): pins in the kernel, kernel strategy with kworkers"
    public static var metrics: [Metric] {
        [KmodMetric.kernelCalls, KmodMetric.inKernelPin, KmodMetric.inKernelGUP, KmodMetric.inKernelRecord, KmodMetric.inKernelMap,
         KmodMetric.mapCalls, KmodMetric.inKernelUnpin, KmodMetric.inKernelUnmap, KmodMetric.inKernelUnpinPages,
         KmodMetric.inKernelIoctl, KmodMetric.folios, KmodMetric.runArrayBytes]
    }
    public static var accepts: [(option: BackendOption, values: BackendOption.Values)] {
        [(.gup, .only(PinBenchModule.PinPath.allCases.map(\.rawValue))), (.unpin, .any), (.gupBatch, .any), (.mapDevice, .any),
         (.iovaBase, .any)]
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
        self.init(pin: pin, gupBatch: batch, unpin: unpin ?? .folio, numaAware: arguments.bind == .roundrobin,
                  map: try Self.map(arguments))
    }

    /// `--map-device <PCI address>` and `--iova-base <size>` (page-aligned, below 2^56).
    static func map(_ arguments: BackendArguments) throws(BackendOptionError) -> Map? {
        let base = Self.value(of: .iovaBase, in: arguments)
        guard let text = Self.value(of: .mapDevice, in: arguments) else {
            if base != nil { throw BackendOptionError("--iova-base needs --map-device: it places the mapping in that device's domain") }
            return nil
        }
        guard let device = PinBenchModule.pciAddress(text) else {
            throw BackendOptionError("--map-device \(text) is not a PCI address: give it as 0000:00:04.0 (lspci -D)")
        }
        guard let base else { return Map(device: device) }
        let bytes: Int
        if base.lowercased().hasPrefix("0x"), let value = Int(base.dropFirst(2), radix: 16) {
            bytes = value
        } else if let size = try? ByteSize(parsing: base) {
            bytes = size.bytes
        } else {
            throw BackendOptionError("--iova-base \(base) is not a size: give bytes, a size such as 4G, or 0x100000000")
        }
        guard bytes % PageSize.base.bytes == 0, (0..<Self.iovaLimit).contains(bytes) else {
            throw BackendOptionError("--iova-base \(base) is out of range: a multiple of 4K from 0 to below 2^56 (IOMMU apertures end at 2^48 or 2^57)")
        }
        return Map(device: device, iovaBase: bytes)
    }

    /// Above every aperture an IOMMU gives (57-bit at most), so base + size cannot overflow.
    static let iovaLimit = 1 << 56

    public var charges: ChargedCounter { .pinnedVM }
    public var capabilities: BackendCapabilities { [.prefault, .pins, .realMemory] }
    public var recorded: String? { description }
    /// The device pin+map maps into; none without `--map-device`.
    public var dmaDevices: [DMADevice.Reference] { map.map { [.pci($0.device)] } ?? [] }

    public func makeBackend() throws(SystemError) -> any PinBackend { try KmodBackend(options: self) }
}
