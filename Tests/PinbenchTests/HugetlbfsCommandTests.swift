import Foundation
import PinSystem
import PinTestSupport
import Testing

/// libhugetlbfs finds mounts once, when a process starts, so a hugetlbfs mounted by a test is
/// only seen by a `pinbench` started after it: these tests mount one, run the binary, unmount.
@Suite("pinbench with hugetlbfs-2m on a hugetlbfs mounted by the test", .serialized,
       .enabled(if: geteuid() == 0, "needs root to mount a hugetlbfs and reserve 2 MiB hugepages"))
struct HugetlbfsCommandTests {
    static let mountCommand = "mkdir -p /dev/hugepages && mount -t hugetlbfs -o pagesize=2M none /dev/hugepages"

    static func arguments(backend: String) -> [String] {
        ["run", "--backend", backend, "--memory", "hugetlbfs-2m", "--size", "8M", "--threads", "2",
         "--reps", "1", "--warmup", "0", "--json"]
    }

    @Test("run verifies on the mount, and once it is unmounted exits 2 with the mount command",
          arguments: ["populate", "mlock"])
    func run(backend: String) throws {
        try HugepageTestLock.shared {
            let reservation = try HugepageReservation(pageSize: 2 << 20, additional: 8)
            defer { reservation.release() }
            try #require(reservation.granted == 8, "the kernel gave \(reservation.granted) of 8 pages")
            do {
                let mount = try TemporaryHugetlbfs()
                defer { mount.unmount() }
                let result = try PinbenchProcess.run(Self.arguments(backend: backend))
                #expect(result.status == 0, "stderr: \(result.stderr)")
                let records = result.stdout.split(separator: "\n")
                #expect(records.count == 3)  // single, user, kernel
                for line in records {
                    let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    #expect(record["memory"] as? String == "hugetlbfs-2m")
                    #expect(record["verified"] as? Bool == true, "\(line)")
                }
            }
            // Another 2 MiB hugetlbfs on the machine would serve the run: then there is nothing to refuse.
            try #require(!HugetlbfsMount.mounted().contains { $0.pageSize == 2 << 20 }, "a 2 MiB hugetlbfs is mounted elsewhere")
            let refused = try PinbenchProcess.run(Self.arguments(backend: backend))
            #expect(refused.status == 2, "stdout: \(refused.stdout)")
            #expect(refused.stderr.contains(Self.mountCommand), "stderr: \(refused.stderr)")
            #expect(refused.stderr.contains("not seen until its next start"))
        }
    }

    /// A memfd or anonymous mapping would not notice the mount's size limit: the file is on it.
    @Test("the region is a file on the mount: a mount limited to 4M cannot hold 8M")
    func sizeLimitedMount() throws {
        try HugepageTestLock.shared {
            let reservation = try HugepageReservation(pageSize: 2 << 20, additional: 8)
            defer { reservation.release() }
            try #require(reservation.granted == 8, "the kernel gave \(reservation.granted) of 8 pages")
            let mount = try TemporaryHugetlbfs(options: "pagesize=2M,size=4M")
            defer { mount.unmount() }
            let result = try PinbenchProcess.run(Self.arguments(backend: "populate"))
            #expect(result.status == 1, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("mmap(8M hugetlbfs-2m) failed: Cannot allocate memory"), "stderr: \(result.stderr)")
            #expect(result.stderr.contains("size= limit"))
        }
    }

    @Test("doctor and topology list the mount with its page size while it is mounted, and the mount command after")
    func doctor() throws {
        do {
            let mount = try TemporaryHugetlbfs()
            defer { mount.unmount() }
            let result = try PinbenchProcess.run(["doctor"])
            #expect(result.stdout.contains("hugetlbfs mounts (libhugetlbfs): 2M -> \(mount.path)"), "stdout: \(result.stdout)")
            let topology = try PinbenchProcess.run(["topology"])
            #expect(topology.stdout.contains("hugetlbfs (libhugetlbfs): 2M -> \(mount.path)"), "stdout: \(topology.stdout)")
        }
        try #require(!HugetlbfsMount.mounted().contains { $0.pageSize == 2 << 20 }, "a 2 MiB hugetlbfs is mounted elsewhere")
        let result = try PinbenchProcess.run(["doctor"])
        #expect(result.stdout.contains("2M -> not mounted"), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("hugetlbfs-2m runs are refused until one is mounted: \(Self.mountCommand)"))
    }
}

/// A hugetlbfs (2 MiB pages unless `options` say otherwise) on a fresh temporary folder,
/// unmounted and removed by `unmount()`.
private final class TemporaryHugetlbfs {
    let path: String
    private var mounted = true

    init(options: String = "pagesize=2M") throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("pinbench-hugetlbfs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        let status = Self.execute("/usr/bin/mount", ["-t", "hugetlbfs", "-o", options, "none", path])
        guard status == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw MountFailure(status: status)
        }
    }

    /// Unmounts and removes the folder (idempotent), so the machine is left as found.
    func unmount() {
        guard mounted else { return }
        mounted = false
        let status = Self.execute("/usr/bin/umount", [path])
        if status == 0 { try? FileManager.default.removeItem(atPath: path) }
        #expect(status == 0, "umount \(path) exited \(status): unmount it by hand")
    }

    deinit { unmount() }

    struct MountFailure: Error, CustomStringConvertible {
        var status: Int32
        var description: String { "mount -t hugetlbfs exited \(status)" }
    }

    private static func execute(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
