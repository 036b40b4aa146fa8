import PinBackends
import PinContract
import PinCore
import Testing

/// The catalog turns what was typed into each backend's options, refusing options no chosen
/// backend takes with the message the CLI prints.
@Suite("The backend catalog: names, option ownership and each backend's options")
struct BackendCatalogTests {
    static func arguments(_ pairs: [(BackendOption, String)], bind: BindPolicy = .none) -> BackendArguments {
        var arguments = BackendArguments(bind: bind)
        for (option, value) in pairs { arguments.set(option, value) }
        return arguments
    }

    static func refusal(_ pairs: [(BackendOption, String)], _ backends: [BackendID]) -> String? {
        do {
            try Backends.catalog.check(arguments(pairs), selected: backends) { "--backend \($0)" }
            return nil
        } catch {
            return error.description
        }
    }

    @Test("standard backends in table order; an unknown name lists them all")
    func names() {
        #expect(Backends.standard.map { $0.backend.rawValue } == ["populate", "mlock", "touch", "vfio", "foliosim", "kmod"])
        #expect { try Backends.catalog.parse("dma") } throws: { error in
            (error as? BackendOptionError)?.description == "unknown backend 'dma': choose one of "
                + Backends.catalog.names.map(\.rawValue).joined(separator: ", ")
        }
    }

    @Test("an option is refused naming its owner; a shared option's value naming what the other takes")
    func ownership() {
        #expect(Self.refusal([(.gupBatch, "64")], [.populate]) == "--gup-batch, --map-device and --iova-base need --backend kmod")
        #expect(Self.refusal([(.lockedVM, "shared")], [.mlock]) == "--vfio, --locked-vm, --container-lock, --iommufd-domains and --dirty-tracking need --backend vfio")
        #expect(Self.refusal([(.unpin, "folio")], [.mlock]) == "--unpin needs --backend foliosim or --backend kmod")
        #expect(Self.refusal([(.gup, "remote")], [.foliosim])
            == "--gup remote is kmod's and needs --backend kmod; foliosim takes per-page or folio")
        #expect(Self.refusal([(.gup, "per-page")], [.kmod])
            == "--gup per-page is foliosim's and needs --backend foliosim; kmod takes remote, fast or memfd")
        // Named as before the catalog: "gup mode", "unpin mode", "container lock".
        #expect(Self.refusal([(.gup, "sideways")], [.kmod]) == "unknown gup mode 'sideways': choose one of per-page, folio, remote, fast, memfd")
        #expect(Self.refusal([(.populateRead, "")], [.touch]) == "--populate-read needs --backend populate")
        // Taken by one of several chosen backends: fine.
        #expect(Self.refusal([(.gup, "fast"), (.unpin, "per-page")], [.foliosim, .kmod]) == nil)
    }

    @Test("each backend reads only its own values, and checks them")
    func options() throws {
        let catalog = Backends.catalog
        let shared = Self.arguments([(.gup, "memfd"), (.gupBatch, "64")], bind: .roundrobin)
        let kmod = try #require(try catalog.options(for: .kmod, arguments: shared) as? KmodOptions)
        #expect(kmod == KmodOptions(pin: .memfd, gupBatch: 64, unpin: .folio, numaAware: true))
        // foliosim ignores kmod's --gup value and keeps its default.
        let folioSim = try #require(try catalog.options(for: .foliosim, arguments: shared) as? FolioSimOptions)
        #expect(folioSim == FolioSimOptions())
        // --map-device in any spelling sysfs takes; --iova-base as a size or hex, page-aligned.
        let mapped = try #require(try catalog.options(for: .kmod, arguments: Self.arguments([(.mapDevice, "00:04.0")])) as? KmodOptions)
        #expect(mapped.map == KmodOptions.Map(device: "0000:00:04.0", iovaBase: 1 << 32))
        #expect(mapped.description.hasSuffix(", mapped into 0000:00:04.0 from IOVA 0x100000000"))
        for (text, bytes) in [("8G", 8 << 30), ("0x200000", 0x200000), ("0", 0)] {
            let options = try #require(try catalog.options(
                for: .kmod, arguments: Self.arguments([(.mapDevice, "0000:00:04.0"), (.iovaBase, text)])) as? KmodOptions)
            #expect(options.map?.iovaBase == bytes, "\(text)")
        }
        #expect(try catalog.options(for: .kmod, arguments: Self.arguments([])) as? KmodOptions == KmodOptions())
        #expect { try catalog.options(for: .kmod, arguments: Self.arguments([(.gupBatch, "300000")])) } throws: { error in
            "\(error)" == "--gup-batch 300000 is out of range 1...262144: the pages the module pins per call"
        }
        #expect { try catalog.options(for: .kmod, arguments: Self.arguments([(.gup, "memfd"), (.unpin, "per-page")])) } throws: { error in
            "\(error)".contains("drop --unpin per-page")
        }
        #expect { try catalog.options(for: .vfio, arguments: Self.arguments([(.vfio, "type1:3"), (.lockedVM, "shared")])) } throws: { error in
            "\(error)".contains("model the shim")
        }
        #expect { try catalog.options(for: .kmod, arguments: Self.arguments([(.unpin, "sideways")])) } throws: { error in
            "\(error)" == "unknown unpin mode 'sideways': choose one of per-page, folio"
        }
        #expect { try catalog.options(for: .vfio, arguments: Self.arguments([(.containerLock, "none")])) } throws: { error in
            "\(error)" == "unknown container lock 'none': choose one of type1, iommufd"
        }
        let populate = try #require(try catalog.options(for: .populate, arguments: Self.arguments([(.populateRead, "")])) as? PopulateOptions)
        #expect(populate.advice == .read)
    }

    @Test("capabilities and C twins as each backend declares them")
    func selfDescription() {
        #expect(PopulateOptions().cTwin != nil && MlockOptions().cTwin != nil && TouchOptions().cTwin != nil)
        #expect(VFIOOptions().cTwin == nil && FolioSimOptions().cTwin == nil && KmodOptions().cTwin == nil)
        #expect(VFIOOptions(path: .shim).capabilities.contains(.splitsCalls))
        #expect(!VFIOOptions(path: .type1(group: "/dev/vfio/3")).capabilities.contains(.splitsCalls))
        #expect(VFIOOptions(path: .type1(group: "/dev/vfio/3")).refusal(prefault: false, strategies: [.kernel]) != nil)
        #expect(FolioSimOptions().refusal(prefault: true, strategies: [.single])?.contains("--prefault does not apply to foliosim") == true)
        // Working in the kernel is declared by conforming to InKernelSplitBackend, which the engine dispatches on.
        #expect(KmodBackend.self is any InKernelSplitBackend.Type)
        #expect(!(VFIOBackend.self is any InKernelSplitBackend.Type))
        // A backend that can be prefaulted refuses nothing by default.
        #expect(MlockOptions().refusal(prefault: true, strategies: Strategy.allCases) == nil)
        #expect(FolioSimOptions(layout: .mixed(seed: 1)).regionBacking == .addressSpace)
        #expect(FolioSimOptions(layout: .pagemap).regionBacking == .memory)
    }
}
