import PinCore
import PinSystem
import Testing

@Suite("hugetlbfs mounts: /proc/mounts, libhugetlbfs and the mount command")
struct HugetlbfsMountTests {
    static let twoMiB = PageSize.pmd.bytes
    static let oneGiB = PageSize.pud.bytes

    // MARK: - /proc/mounts fixtures

    @Test("no hugetlbfs line: no mount")
    func noHugetlbfs() {
        let text = """
            sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
            proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
            tmpfs /dev/shm tmpfs rw,nosuid,nodev,size=4096k 0 0
            """
        #expect(HugetlbfsMount.parse(procMounts: text, defaultPageSize: Self.twoMiB).isEmpty)
    }

    @Test("pagesize= gives each mount its size, in the kernel's and other spellings")
    func pageSizeOption() {
        let text = """
            none /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0
            none /dev/hugepages-1G hugetlbfs rw,relatime,pagesize=1G 0 0
            hugetlbfs /mnt/huge hugetlbfs rw,relatime,pagesize=2048k,size=64M 0 0
            """
        #expect(HugetlbfsMount.parse(procMounts: text, defaultPageSize: Self.twoMiB) == [
            HugetlbfsMount(pageSize: Self.twoMiB, path: "/dev/hugepages"),
            HugetlbfsMount(pageSize: Self.oneGiB, path: "/dev/hugepages-1G"),
            HugetlbfsMount(pageSize: Self.twoMiB, path: "/mnt/huge"),
        ])
    }

    @Test("a mount without pagesize= has the default huge page size")
    func defaultPageSize() {
        let text = "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,mode=1770,gid=78 0 0\n"
        #expect(HugetlbfsMount.parse(procMounts: text, defaultPageSize: Self.oneGiB)
            == [HugetlbfsMount(pageSize: Self.oneGiB, path: "/dev/hugepages")])
    }

    @Test("odd lines are skipped; escaped paths are decoded")
    func oddLines() {
        let text = """

            hugetlbfs
            none /short hugetlbfs
            none /bad hugetlbfs rw,pagesize=lots 0 0
            none /zero hugetlbfs rw,pagesize=0 0 0
            none /not-huge tmpfs rw,pagesize=2M 0 0
            none\t/tabbed\thugetlbfs\trw,pagesize=2M\t0\t0
            none /mnt/huge\\040pages hugetlbfs rw,pagesize=1G 0 0
            """
        #expect(HugetlbfsMount.parse(procMounts: text, defaultPageSize: Self.twoMiB) == [
            HugetlbfsMount(pageSize: Self.twoMiB, path: "/tabbed"),
            HugetlbfsMount(pageSize: Self.oneGiB, path: "/mnt/huge pages"),
        ])
    }

    // MARK: - Mount command

    @Test("the mount command is exact: /dev/hugepages for 2M, /dev/hugepages-1G for 1G")
    func mountCommand() {
        #expect(HugetlbfsMount.mountCommand(pageSize: Self.twoMiB)
            == "mkdir -p /dev/hugepages && mount -t hugetlbfs -o pagesize=2M none /dev/hugepages")
        #expect(HugetlbfsMount.mountCommand(pageSize: Self.oneGiB)
            == "mkdir -p /dev/hugepages-1G && mount -t hugetlbfs -o pagesize=1G none /dev/hugepages-1G")
        #expect(HugetlbfsMount(pageSize: Self.oneGiB, path: nil).description == "1G -> not mounted")
    }

    // MARK: - libhugetlbfs in this process

    @Test("libhugetlbfs's page sizes are the kernel's hugetlb pools in sysfs")
    func pageSizesMatchSysfs() throws {
        let pools = try #require(ProcFile.listDirectory("/sys/kernel/mm/hugepages"), "no /sys/kernel/mm/hugepages")
        let sysfs = pools.compactMap { name -> Int? in
            guard name.hasPrefix("hugepages-"), name.hasSuffix("kB") else { return nil }
            return Int(name.dropFirst("hugepages-".count).dropLast(2)).map { $0 * 1024 }
        }.sorted()
        #expect(!sysfs.isEmpty)
        #expect(HugetlbfsMount.discover().map(\.pageSize) == sysfs)
    }

    /// libhugetlbfs scans at process start; a hugetlbfs mounted since (by a parallel test)
    /// would not be seen here, so the check runs only while /proc/mounts has none either.
    @Test("with no hugetlbfs mounted, libhugetlbfs reports no path for any size",
          .enabled(if: HugetlbfsMount.mounted().isEmpty, "a hugetlbfs is mounted on this machine"))
    func noMountNoPath() {
        let discovered = HugetlbfsMount.discover()
        #expect(!discovered.isEmpty)
        for mount in discovered {
            #expect(mount.path == nil, "\(mount)")
            #expect(HugetlbfsMount.path(forPageSize: mount.pageSize) == nil)
        }
    }

    @Test("/proc/mounts is readable live and agrees with what libhugetlbfs found at start")
    func liveCrossCheck() {
        // Every path libhugetlbfs found must still be a hugetlbfs of its size, unless a test
        // unmounted it since; pinbench's own tests mount only after this process started.
        let mounted = HugetlbfsMount.mounted()
        for mount in HugetlbfsMount.discover() where mount.path != nil {
            #expect(mounted.contains(mount), "libhugetlbfs has \(mount), /proc/mounts has \(mounted)")
        }
    }
}
