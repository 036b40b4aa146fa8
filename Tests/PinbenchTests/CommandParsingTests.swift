import PinCLI
import PinContract
import PinTestBackend
import Testing

/// The real commands parsed and validated in process (the commands live in the PinCLI library):
/// what the binary accepts and refuses, without spawning it.
@Suite("Commands parsed in process")
struct CommandParsingTests {
    static func refusal(_ arguments: [String]) -> String? {
        do {
            _ = try PinBenchCommand.parseAsRoot(arguments)
            return nil
        } catch {
            return PinBenchCommand.message(for: error)
        }
    }

    @Test("valid command lines parse")
    func accepted() {
        #expect(Self.refusal(["run", "--backend", "kmod", "--gup", "fast", "--gup-batch", "64"]) == nil)
        #expect(Self.refusal(["sweep", "--backends", "foliosim,kmod", "--gup", "memfd", "--unpin", "folio"]) == nil)
        #expect(Self.refusal(["run", "--backend", "vfio", "--locked-vm", "cached:64"]) == nil)
        #expect(Self.refusal(["hold", "--backend", "mlock"]) == nil)
    }

    @Test("backend options are refused naming their owner, as the binary prints them")
    func refused() {
        #expect(Self.refusal(["run", "--backend", "populate", "--gup-batch", "64"]) == "--gup-batch, --map-device and --iova-base need --backend kmod")
        #expect(Self.refusal(["sweep", "--backends", "populate", "--gup", "fast"])
            == "--gup fast is kmod's and needs kmod in --backends; foliosim takes per-page or folio")
        #expect(Self.refusal(["hold", "--backend", "mlock", "--vfio", "shim"])
            == "--vfio, --locked-vm, --container-lock, --iommufd-domains and --dirty-tracking need --backend vfio")
        #expect(Self.refusal(["run", "--backend", "dma"])?.contains("unknown backend 'dma': choose one of populate, mlock") == true)
    }

    @Test("a backend registered from outside the package is a --backend choice with no code in the CLI")
    func registered() {
        BackendRegistry.register(ProbeOptions.self)
        #expect(Self.refusal(["run", "--backend", "probe", "--size", "8M"]) == nil)
        #expect(Self.refusal(["run", "--backend", "probe", "--populate-read"]) == "--populate-read needs --backend populate")
    }
}
