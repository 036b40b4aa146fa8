#if canImport(Glibc)
import Glibc
#endif
import PinBackends
import PinContract
import PinCore
import PinSystem

/// `pinbench doctor`: which pin paths work on this machine, why the others do not and what
/// would fix them, and the settings that change results. Every path is tried for real on a
/// small range, not guessed from files.
public enum Doctor {
    /// One line of the diagnosis.
    public struct Check: Sendable, Equatable {
        public enum Status: String, Sendable { case works = "ok", unavailable = "unavailable", note = "note" }
        public var subject: String
        public var status: Status
        public var detail: String
        /// What to do about it, for paths that do not work or settings that skew results.
        public var fix: String?
    }

    /// The pin paths, tried in turn.
    public static func pinPaths() -> [Check] {
        [populate(), mlock(), shim(), type1(), iommufd(), iommufdFile(), kmod()] + kmodMap()
    }

    /// Settings that change results: root, memlock, hugepages, hugetlbfs mounts, THP, NUMA
    /// balancing, VM effects.
    public static func settings(machine: MachineRecord) -> [Check] {
        var checks: [Check] = [journal()]
        checks.append(Check(
            subject: "root", status: machine.isRoot ? .works : .note,
            detail: machine.isRoot ? "running as root" : "not root",
            fix: machine.isRoot ? nil
                : "without root: no physical-contiguity counts (pagemap hides frame numbers), no --reserve-hugepages, memlock limits apply"))
        let memlock = MemlockLimit.current()
        checks.append(Check(
            subject: "RLIMIT_MEMLOCK", status: memlock.hasIPCLock || memlock.softBytes == nil ? .works : .note,
            detail: memlock.description,
            fix: memlock.hasIPCLock || memlock.softBytes == nil ? nil
                : "mlock and vfio can pin at most \(ByteSize(memlock.softBytes!)): run as root or ulimit -l unlimited"))
        for pool in machine.hugepagePools {
            let size = ByteSize(pool.pageSizeBytes)
            let empty = pool.total == 0
            checks.append(Check(
                subject: "hugetlb \(size) pool", status: empty ? .note : .works,
                detail: "\(pool.total) pages, \(pool.free) free",
                fix: empty ? "hugetlb-\(size.description.lowercased()) runs are skipped until pages are reserved: "
                    + "scripts/reserve-hugepages.sh \(size) <count>, or "
                    + "echo <count> | sudo tee \(HugepagePool.directory(pageSize: pool.pageSizeBytes))/nr_hugepages" : nil))
        }
        checks.append(hugetlbfsMounts())
        let thpSkews = machine.thpEnabled == "always"
        checks.append(Check(
            subject: "THP", status: thpSkews ? .note : .works,
            detail: "enabled \(machine.thpEnabled), defrag \(machine.thpDefrag)",
            fix: thpSkews ? "THP 'always' gives anon regions huge folios too: set madvise so anon measures 4 KiB pages "
                + "(echo madvise > /sys/kernel/mm/transparent_hugepage/enabled)" : nil))
        let balancing = machine.numaBalancing
        checks.append(Check(
            subject: "NUMA balancing", status: balancing == "0" || balancing == "unavailable" ? .works : .note,
            detail: "kernel.numa_balancing = \(balancing)",
            fix: balancing == "0" || balancing == "unavailable" ? nil
                : "scanning makes pinned pages PROT_NONE for nothing: sysctl -w kernel.numa_balancing=0 for stable numbers"))
        if let emulation = machine.emulation {
            checks.append(Check(
                subject: "emulated machine", status: .note,
                detail: "the CPU is emulated (\(emulation.uppercased())): this is the PinBench lab",
                fix: "timings here show behaviour only: never publish them; every table made here carries the mark"))
        }
        if machine.virtualized == true {
            // -1 (no reporting device) is not reporting: say nothing of it.
            let reporting = machine.hasFreePageReporting
                ? machine.freePageReportingOrder.map { ", free page reporting at order \($0)" } ?? "" : ""
            checks.append(Check(
                subject: "virtual machine", status: .note, detail: "running in a VM\(reporting)",
                fix: "first touch of freed memory is slow and noisy here: keep warm-ups and interleaved order, "
                    + "and publish bare-metal numbers"))
        }
        return checks
    }

    /// The hugetlbfs mounts libhugetlbfs found at start, which `hugetlbfs-2m` and `hugetlbfs-1g`
    /// map their files on; for a size without one, the command that mounts it.
    /// What PinBench changed on the machine and has not given back (`MachineJournal`): a
    /// running pinbench's reservations, or a dead one's that this process could not restore
    /// (every start tries; doctor --restore tries again).
    static func journal() -> Check {
        let subject = "pinbench journal (\(MachineJournal.directory))"
        let entries = MachineJournal.entries()
        guard !entries.isEmpty else { return Check(subject: subject, status: .works, detail: "nothing left to give back", fix: nil) }
        let live = entries.filter { MachineJournal.ownerAlive($0.entry) }
        let stale = entries.filter { !MachineJournal.ownerAlive($0.entry) }
        var parts = live.map { "pid \($0.entry.pid) (running) holds \($0.entry.granted ?? $0.entry.requested) pages of the \($0.entry.subject)" }
        parts += stale.map { MachineJournal.describe($0.entry) }
        return Check(subject: subject, status: stale.isEmpty ? .works : .unavailable, detail: parts.joined(separator: "; "),
                     fix: stale.isEmpty ? nil : "as root: pinbench doctor --restore")
    }

    static func hugetlbfsMounts() -> Check {
        let discovered = HugetlbfsMount.discover()
        let usedSizes = Set(MemoryKind.allCases.filter(\.mapsHugetlbfsFile).compactMap { $0.hugetlbPageSize?.bytes })
        let missing = discovered.filter { $0.path == nil && usedSizes.contains($0.pageSize) }
        // Mounts /proc/mounts has that libhugetlbfs did not take: a second one of a size, or
        // one this user cannot write to.
        let unseen = HugetlbfsMount.mounted().filter { !discovered.contains($0) }
        var detail = discovered.isEmpty ? "libhugetlbfs reports no huge page sizes"
            : discovered.map(\.description).joined(separator: ", ")
        if !unseen.isEmpty {
            detail += "; also mounted but not used by libhugetlbfs: " + unseen.map(\.description).joined(separator: ", ")
        }
        let fix = missing.map { mount in
            "hugetlbfs-\(ByteSize(mount.pageSize).description.lowercased()) runs are refused until one is mounted: "
                + HugetlbfsMount.mountCommand(pageSize: mount.pageSize)
        }
        return Check(
            subject: "hugetlbfs mounts (libhugetlbfs)", status: missing.isEmpty && !discovered.isEmpty ? .works : .note,
            detail: detail, fix: fix.isEmpty ? nil : fix.joined(separator: "; "))
    }

    // MARK: - Pin paths

    /// A small anonymous range for trying a path on.
    private static func withScratch<T>(pages: Int = 16, _ body: (Region) -> T) -> T? {
        guard let region = try? Region.map(kind: .anon, size: ByteSize(pages * PageSize.base.bytes)) else { return nil }
        return body(region)
    }

    static func populate() -> Check {
        let outcome = withScratch { region -> String? in
            do throws(SystemError) {
                try PopulateBackend().pin(region, Chunk(offset: 0, length: region.size.bytes))
                return nil
            } catch { return error.description }
        } ?? "could not map a scratch range"
        return Check(
            subject: "populate (MADV_POPULATE_WRITE)", status: outcome == nil ? .works : .unavailable,
            detail: outcome ?? "populated a 64K range", fix: outcome == nil ? nil : "needs Linux 5.14+; --backend touch works anywhere")
    }

    static func mlock() -> Check {
        let limit = MemlockLimit.current()
        let outcome = withScratch { region -> String? in
            do throws(SystemError) {
                try MlockBackend().pin(region, Chunk(offset: 0, length: region.size.bytes))
                try MlockBackend().unpin(region, Chunk(offset: 0, length: region.size.bytes))
                return nil
            } catch { return error.description }
        } ?? "could not map a scratch range"
        let bound = limit.hasIPCLock || limit.softBytes == nil ? "any size" : "at most \(ByteSize(limit.softBytes!))"
        return Check(
            subject: "mlock", status: outcome == nil ? .works : .unavailable,
            detail: outcome ?? "locked and unlocked a 64K range; \(bound) (RLIMIT_MEMLOCK \(limit.description))",
            fix: outcome == nil ? nil : "raise RLIMIT_MEMLOCK (ulimit -l unlimited) or run as root")
    }

    static func shim() -> Check {
        let disabled = ProcFile.readInt("/proc/sys/kernel/io_uring_disabled") ?? 0
        var witness = "VmPin grew by it and went back"
        let outcome = withScratch { region -> String? in
            do throws(SystemError) {
                let ring = try FixedBufferRing()
                let before = try ProcStatus.current().pinnedBytes
                try ring.register(region.base, length: region.size.bytes)
                let grown = try ProcStatus.current().pinnedBytes - before
                // Since 7.x io_uring charges no VmPin to a process with CAP_IPC_LOCK: the
                // kernel's list of registered buffers is the witness there.
                let listed = grown == 0 ? try ring.kernelList() : nil
                try ring.unregister()
                if grown == region.size.bytes { return nil }
                if let listed, listed.bytes == region.size.bytes {
                    witness = "io_uring listed it as registered (this kernel charges no VmPin to a CAP_IPC_LOCK process)"
                    return nil
                }
                return "registered, but VmPin grew by \(grown) bytes, not \(region.size.bytes)"
                    + (listed.map { " (and io_uring lists \($0.bytes) bytes)" } ?? "")
            } catch { return error.description }
        } ?? "could not map a scratch range"
        return Check(
            subject: "vfio shim (io_uring fixed buffers)", status: outcome == nil ? .works : .unavailable,
            detail: outcome ?? "pinned a 64K range long-term, \(witness) (kernel.io_uring_disabled = \(disabled))",
            fix: outcome == nil ? nil
                : (disabled > 0 ? "sysctl -w kernel.io_uring_disabled=0" : "needs io_uring (Linux 5.1+) and RLIMIT_MEMLOCK room or root"))
    }

    /// Numeric VFIO groups under `/dev/vfio`.
    static func vfioGroups() -> [String] {
        (ProcFile.listDirectory("/dev/vfio") ?? []).filter { Int($0) != nil }.sorted { Int($0)! < Int($1)! }
    }

    static func type1() -> Check {
        guard access("/dev/vfio/vfio", F_OK) == 0 else {
            let iommuGroups = (ProcFile.listDirectory("/sys/kernel/iommu_groups") ?? []).count
            return Check(
                subject: "vfio type1", status: .unavailable,
                detail: "no /dev/vfio/vfio (VFIO not loaded); \(iommuGroups) IOMMU groups in sysfs"
                    + (iommuGroups == 0 ? " (no IOMMU: enable intel_iommu=on / amd_iommu=on)" : ""),
                fix: "modprobe vfio-pci, bind a device to it (driverctl set-override <BDF> vfio-pci), then --vfio type1:<group>; "
                    + "until then --vfio shim measures the same long-term pin")
        }
        guard let group = vfioGroups().first else {
            return Check(
                subject: "vfio type1", status: .unavailable, detail: "/dev/vfio/vfio exists but no group is bound",
                fix: "bind a device to vfio-pci (driverctl set-override <BDF> vfio-pci); its group appears as /dev/vfio/<N>")
        }
        do {
            _ = try Type1DMAMapper(group: "/dev/vfio/\(group)")
            return Check(subject: "vfio type1", status: .works, detail: "container set up with group \(group): use --vfio type1:\(group)", fix: nil)
        } catch {
            return Check(subject: "vfio type1", status: .unavailable, detail: error.description, fix: error.hint)
        }
    }

    static func iommufd() -> Check {
        guard access("/dev/iommu", F_OK) == 0 else {
            return Check(
                subject: "vfio iommufd", status: .unavailable, detail: "no /dev/iommu",
                fix: "needs CONFIG_IOMMUFD (modprobe iommufd) and a device bound to vfio-pci with CONFIG_VFIO_DEVICE_CDEV; "
                    + "until then --vfio shim --container-lock iommufd models it")
        }
        guard let device = (ProcFile.listDirectory("/dev/vfio/devices") ?? []).sorted().first else {
            return Check(
                subject: "vfio iommufd", status: .unavailable, detail: "/dev/iommu exists but /dev/vfio/devices is empty",
                fix: "bind a device to vfio-pci on a kernel with CONFIG_VFIO_DEVICE_CDEV")
        }
        do {
            _ = try IOMMUFDDMAMapper(device: "/dev/vfio/devices/\(device)")
            return Check(subject: "vfio iommufd", status: .works, detail: "IOAS attached to \(device): use --vfio iommufd:\(device)", fix: nil)
        } catch {
            return Check(subject: "vfio iommufd", status: .unavailable, detail: error.description, fix: error.hint)
        }
    }

    /// `IOMMU_IOAS_MAP_FILE` (Linux 6.13): whether this kernel has it (asked of `/dev/iommu`
    /// alone), and with a device, a 64K memfd mapped through it and unmapped for real.
    static func iommufdFile() -> Check {
        let subject = "vfio iommufd file map (IOMMU_IOAS_MAP_FILE)"
        guard access("/dev/iommu", F_OK) == 0 else {
            return Check(subject: subject, status: .unavailable, detail: "no /dev/iommu",
                         fix: "needs iommufd (see vfio iommufd) on \(IOMMUFDDMAMapper.fileMapKernel) or later")
        }
        guard let device = (ProcFile.listDirectory("/dev/vfio/devices") ?? []).sorted().first else {
            return Check(subject: subject, status: .unavailable, detail: "/dev/iommu exists but /dev/vfio/devices is empty",
                         fix: "bind a device to vfio-pci on a kernel with CONFIG_VFIO_DEVICE_CDEV")
        }
        do {
            let mapper = try IOMMUFDDMAMapper(device: "/dev/vfio/devices/\(device)", mapCall: .file)
            let region: Region
            do { region = try Region.map(kind: .memfd, size: ByteSize(64 << 10)) } catch {
                return Check(subject: subject, status: .unavailable, detail: "could not map a 64K memfd: \(error)", fix: nil)
            }
            try mapper.map(region, offset: 0, length: region.size.bytes, iova: VFIOBackend.iovaBase)
            try mapper.unmap(iova: VFIOBackend.iovaBase, length: region.size.bytes)
            return Check(subject: subject, status: .works,
                         detail: "available on this kernel: a 64K memfd mapped and unmapped through \(device); "
                            + "use --vfio iommufd-file:\(device) with memfd, memfd-hugetlb-* or hugetlbfs-* memory", fix: nil)
        } catch {
            return Check(subject: subject, status: .unavailable, detail: error.description, fix: error.hint)
        }
    }

    /// PinBench's kernel module: loaded, which uAPI version, and what it holds pinned; or how
    /// to build and load it.
    static func kmod(path: String = PinBenchModule.devicePath) -> Check {
        let subject = "kmod (\(path), PinBench's module)"
        guard access(path, F_OK) == 0 else {
            let modules = access("/proc/modules", F_OK) == 0
            return Check(
                subject: subject, status: .unavailable,
                detail: modules ? "not loaded" : "this kernel cannot load modules (CONFIG_MODULES off)",
                fix: modules ? "scripts/kmod.sh load (it builds against /lib/modules/$(uname -r)/build; "
                    + "apt-get install linux-headers-$(uname -r) when missing)"
                    : "boot a kernel with modules, or try it in the lab: scripts/lab.sh test kmod")
        }
        let status: PinBenchModule.Status
        do { status = try PinBenchModule.status(path: path) } catch {
            return Check(subject: subject, status: .unavailable, detail: error.description,
                         fix: error.errno == EACCES ? "run as root" : "reload it: scripts/kmod.sh unload && scripts/kmod.sh load")
        }
        guard status.version == PinBenchModule.apiVersion else {
            return Check(subject: subject, status: .unavailable,
                         detail: "the loaded module speaks uAPI \(status.version), this pinbench \(PinBenchModule.apiVersion)",
                         fix: "rebuild and reload it from this checkout: scripts/kmod.sh unload && scripts/kmod.sh build && scripts/kmod.sh load")
        }
        return Check(subject: subject, status: .works,
                     detail: "loaded, uAPI \(status.version); \(status.otherFiles) other files open, "
                        + "\(ByteSize(status.pinnedPages * PageSize.base.bytes)) pinned through them", fix: nil)
    }

    /// The diagnosis as text (pin paths, then settings, each with its fix), and whether the
    /// shim works, that is whether every backend can run here.
    public static func report(machine: MachineRecord) -> (text: String, shimWorks: Bool) {
        func render(_ checks: [Check]) -> [String] {
            checks.flatMap { check -> [String] in
                var lines = ["  [\(check.status.rawValue)] \(check.subject): \(check.detail)"]
                if let fix = check.fix { lines.append("      fix: \(fix)") }
                return lines
            }
        }
        let paths = pinPaths()
        var lines = ["machine: \(machine.oneLine)", "", "pin paths:"] + render(paths)
        lines += ["", "settings that change results:"] + render(settings(machine: machine))
        let working = paths.filter { $0.status == .works }.map(\.subject)
        lines += ["", "usable here: " + (working.isEmpty ? "none" : working.joined(separator: ", "))]
        let shimWorks = paths.contains { $0.subject.hasPrefix("vfio shim") && $0.status == .works }
        return (lines.joined(separator: "\n"), shimWorks)
    }
}
