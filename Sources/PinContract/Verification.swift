#if canImport(Glibc)
import Glibc
#endif
import PinCore
import PinSystem

/// The outcome of checking a region after a phase: passed or not, and what was seen.
public struct Verification: Sendable, Equatable, Codable, CustomStringConvertible {
    public var passed: Bool
    /// What was checked and found, in one line ("262144/262144 pages resident, VmLck +1G").
    public var detail: String

    public init(passed: Bool, detail: String) {
        self.passed = passed
        self.detail = detail
    }

    public static func failed(_ detail: String) -> Verification { Verification(passed: false, detail: detail) }

    /// Both must pass; details are joined.
    public func and(_ other: Verification) -> Verification {
        Verification(passed: passed && other.passed, detail: "\(detail); \(other.detail)")
    }

    public var description: String { (passed ? "ok: " : "FAILED: ") + detail }
}

// MARK: - Shared checks

extension Verification {
    /// Every base page of the region is resident (`mincore`). For `thp` the detail also says
    /// how much the kernel backed with huge folios (the process's `AnonHugePages`; only
    /// `MADV_HUGEPAGE` regions get THPs in `madvise` mode), since a fragmented machine can
    /// quietly turn a THP run into a 4 KiB one.
    public static func allResident(_ region: Region) -> Verification {
        do {
            let resident = try Residency.residentBasePages(region.base, length: region.size.bytes)
            var detail = "\(resident)/\(region.basePages) base pages resident (mincore)"
            if region.kind == .thp, let huge = try? ProcStatus.anonHugePagesBytes() {
                detail += ", \(ByteSize(huge)) in THPs"
            }
            return Verification(passed: resident == region.basePages, detail: detail)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Every page of the region's file is allocated (`fstat`'s `st_blocks`, which shmem and
    /// hugetlbfs count per page they hold): residency for pins taken through the file
    /// (`memfd_pin_folios`), which fills the page cache without mapping anything, so `mincore`
    /// on a hugetlb mapping sees none of it.
    public static func fileAllocated(_ region: Region) -> Verification {
        guard let file = region.file else { return .failed("\(region.kind) has no file") }
        let info: stat
        do { info = try file.status() } catch { return .failed("\(error)") }
        let allocated = Int(info.st_blocks) * 512
        return Verification(passed: allocated == region.size.bytes,
                            detail: "\(ByteSize(allocated)) of \(region.size) allocated in the file (st_blocks)")
    }

    /// No base page of the region is mapped any more (`/proc/self/pagemap`).
    public static func noneMapped(_ region: Region) -> Verification {
        do {
            let mapped = try Residency.mappedBasePages(region.base, length: region.size.bytes)
            return Verification(passed: mapped == 0, detail: "\(mapped)/\(region.basePages) base pages still mapped (pagemap)")
        } catch {
            return .failed("\(error)")
        }
    }

    /// `VmLck` differs from `baseline` by exactly `expectedDelta` bytes.
    public static func lockedDelta(_ expectedDelta: Int, since baseline: ProcStatus) -> Verification {
        statusDelta(\.lockedBytes, named: "VmLck", expected: expectedDelta, since: baseline)
    }

    /// A `/proc/self/status` counter (`VmLck`, `VmPin`) differs from `baseline` by exactly
    /// `expectedDelta` bytes.
    public static func statusDelta(
        _ counter: KeyPath<ProcStatus, Int>, named name: String, expected expectedDelta: Int, since baseline: ProcStatus
    ) -> Verification {
        do {
            let delta = try ProcStatus.current()[keyPath: counter] - baseline[keyPath: counter]
            return Verification(
                passed: delta == expectedDelta,
                detail: "\(name) \(signed(delta)) (expected \(signed(expectedDelta)))")
        } catch {
            return .failed("\(error)")
        }
    }

    private static func signed(_ bytes: Int) -> String {
        (bytes < 0 ? "-" : "+") + ByteSize(abs(bytes)).description
    }
}
