import CPinSys
import PinCore

/// One huge page size and the hugetlbfs mounted for it, if any: what `hugetlbfs-2m` and
/// `hugetlbfs-1g` regions need.
///
/// Two sources: libhugetlbfs (`discover`), which is what mapping uses, and `/proc/mounts`
/// (`mounted`), the live truth. They differ when a hugetlbfs is mounted or unmounted after
/// the process started: libhugetlbfs scans the mounts once, in a constructor at start.
public struct HugetlbfsMount: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The huge page size in bytes.
    public var pageSize: Int
    /// Where a hugetlbfs with pages of `pageSize` is mounted, or nil when none is.
    public var path: String?

    public init(pageSize: Int, path: String?) {
        self.pageSize = pageSize
        self.path = path
    }

    /// `2M -> /dev/hugepages`, or `1G -> not mounted`.
    public var description: String {
        "\(ByteSize(pageSize)) -> \(path ?? "not mounted")"
    }
}

// MARK: - libhugetlbfs

extension HugetlbfsMount {
    /// Every huge page size the kernel has (`gethugepagesizes`), smallest first, each with the
    /// mount libhugetlbfs found for it at process start (`hugetlbfs_find_path_for_size`) or nil.
    public static func discover() -> [HugetlbfsMount] {
        let count = cpinsys_hugetlbfs_page_sizes(nil, 0)
        guard count > 0 else { return [] }
        var sizes = [Int](repeating: 0, count: Int(count))
        let written = sizes.withUnsafeMutableBufferPointer { buffer in
            cpinsys_hugetlbfs_page_sizes(buffer.baseAddress, count)
        }
        guard written > 0 else { return [] }
        return sizes.prefix(Int(written)).sorted().map { HugetlbfsMount(pageSize: $0, path: path(forPageSize: $0)) }
    }

    /// The mount libhugetlbfs knows for `pageSize` bytes (`hugetlbfs_find_path_for_size`):
    /// nil when none was mounted when this process started.
    public static func path(forPageSize pageSize: Int) -> String? {
        cpinsys_hugetlbfs_path_for_size(pageSize).map { String(cString: $0) }
    }
}

// MARK: - /proc/mounts

extension HugetlbfsMount {
    /// The hugetlbfs mounts in `/proc/mounts` now, in file order; a mount without `pagesize=`
    /// has the default huge page size (`Hugepagesize` in `/proc/meminfo`). Empty when either
    /// file cannot be read.
    public static func mounted() -> [HugetlbfsMount] {
        guard let mounts = try? ProcFile.read("/proc/mounts"),
              let meminfo = try? ProcFile.read("/proc/meminfo"),
              let defaultPageSize = ProcFile.parseKilobyteFields(meminfo)["Hugepagesize"]
        else { return [] }
        return parse(procMounts: mounts, defaultPageSize: defaultPageSize)
    }

    /// The hugetlbfs lines of `/proc/mounts` text (`none /dev/hugepages hugetlbfs rw,pagesize=2M 0 0`).
    /// `pagesize=` is read as a size (`2M`, `1G`, `2048k`); a mount without it has
    /// `defaultPageSize`. Lines that are not hugetlbfs, or that cannot be read, are skipped.
    public static func parse(procMounts text: String, defaultPageSize: Int) -> [HugetlbfsMount] {
        text.split(separator: "\n").compactMap { line -> HugetlbfsMount? in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 4, fields[2] == "hugetlbfs" else { return nil }
            var pageSize = defaultPageSize
            for option in fields[3].split(separator: ",") where option.hasPrefix("pagesize=") {
                guard let size = try? ByteSize(parsing: String(option.dropFirst("pagesize=".count))),
                      size.bytes > 0 else { return nil }
                pageSize = size.bytes
            }
            return HugetlbfsMount(pageSize: pageSize, path: unescapeOctal(fields[1]))
        }
    }

    /// `/proc/mounts` writes space, tab, newline and backslash in paths as `\040`-style octal.
    static func unescapeOctal(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count,
               let value = UInt8(String(decoding: utf8[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

// MARK: - Mounting

extension HugetlbfsMount {
    /// The exact shell command (root) that mounts a hugetlbfs for `pageSize` bytes: the
    /// conventional `/dev/hugepages` for the 2 MiB size, `/dev/hugepages-<size>` for others.
    public static func mountCommand(pageSize: Int) -> String {
        let size = ByteSize(pageSize).description
        let path = pageSize == PageSize.pmd.bytes ? "/dev/hugepages" : "/dev/hugepages-\(size)"
        return "mkdir -p \(path) && mount -t hugetlbfs -o pagesize=\(size) none \(path)"
    }
}
