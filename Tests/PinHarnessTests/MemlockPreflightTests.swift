import PinBackends
import PinContract
import PinCore
@testable import PinHarness
import PinSystem
import Testing

/// The memlock preflight checks the counter each backend's self-description names: `locked_vm`
/// for mlock and type1, `pinned_vm` for iommufd, the shim's io_uring registration and the
/// module, nothing for populate, touch and the simulation. A process that has 6M locked and 6M
/// pinned under an 8M limit may pin 1M more on either counter, and not 3M.
@Suite("The memlock preflight charges each backend's own counter")
struct MemlockPreflightTests {
    static let limit = MemlockLimit(softBytes: 8 << 20, hasIPCLock: false)
    static let lockedOnly = ProcStatus(residentBytes: 0, lockedBytes: 6 << 20, pinnedBytes: 0)
    static let pinnedOnly = ProcStatus(residentBytes: 0, lockedBytes: 0, pinnedBytes: 6 << 20)

    static let cases: [(name: String, options: any BackendOptions, charges: ChargedCounter)] = [
        ("populate", PopulateOptions(), .none),
        ("mlock", MlockOptions(), .lockedVM),
        ("touch", TouchOptions(), .none),
        ("vfio shim", VFIOOptions(path: .shim), .pinnedVM),
        ("vfio type1", VFIOOptions(path: .type1(group: "/dev/vfio/7")), .lockedVM),
        ("vfio iommufd", VFIOOptions(path: .iommufd(device: "/dev/vfio/devices/vfio0")), .pinnedVM),
        ("foliosim", FolioSimOptions(), .none),
        ("kmod", KmodOptions(), .pinnedVM),
    ]

    @Test("each backend names its counter", arguments: cases.indices)
    func charges(index: Int) {
        let (name, options, counter) = Self.cases[index]
        #expect(options.charges == counter, "\(name)")
    }

    @Test("each backend is refused only when its own counter is full", arguments: cases.indices)
    func refusal(index: Int) {
        let (name, options, counter) = Self.cases[index]
        func refused(_ size: ByteSize, _ status: ProcStatus) -> Bool {
            Experiment.memlockRefusal(size: size, charges: options.charges, status: status, limit: Self.limit) != nil
        }
        // 1M more fits on either counter; 3M more fits only where the other counter is the full one.
        #expect(!refused(.mib(1), Self.lockedOnly) && !refused(.mib(1), Self.pinnedOnly), "\(name)")
        #expect(refused(.mib(3), Self.lockedOnly) == (counter == .lockedVM), "\(name): locked_vm full")
        #expect(refused(.mib(3), Self.pinnedOnly) == (counter == .pinnedVM), "\(name): pinned_vm full")
        // CAP_IPC_LOCK lifts the limit on both.
        let capable = MemlockLimit(softBytes: 8 << 20, hasIPCLock: true)
        #expect(Experiment.memlockRefusal(size: .mib(64), charges: options.charges, status: Self.pinnedOnly, limit: capable) == nil)
    }

    @Test("the refusal names the limit and how to raise it")
    func message() throws {
        let message = try #require(Experiment.memlockRefusal(size: .mib(3), charges: .pinnedVM, status: Self.pinnedOnly, limit: Self.limit))
        #expect(message.contains("RLIMIT_MEMLOCK (8M)") && message.contains("ulimit -l"))
    }
}
