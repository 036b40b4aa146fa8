#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import PinBackends
import PinContract
import PinCore
import PinSystem
import Testing

@Suite("The kmod backend's plan check, folio expectations and refusals")
struct KmodBackendTests {
    @Test("padata plans are the module's chunks, up to its worker bound", arguments: [
        (ByteSize.mib(64), MemoryKind.anon, 2), (.mib(1026), .thp, 4), (.gib(1), .hugetlb2m, 16), (.mib(100), .anon, 64),
    ])
    func padataPlansFit(size: ByteSize, memory: MemoryKind, threads: Int) throws {
        let plan = try CutPlanner.plan(strategy: .kernel, size: size, memory: memory, threads: threads,
                                       kernel: KernelPlanParameters(minChunk: .mib(1)))
        try KmodBackend.checkPlan(plan)
    }

    @Test("a plan of more workers than the module runs, or with chunks it would cut elsewhere, is refused")
    func refusedPlans() throws {
        let many = try CutPlanner.plan(strategy: .kernel, size: .mib(128), memory: .anon, threads: 65,
                                       kernel: KernelPlanParameters(align: .base, minChunk: .kib(64), maxThreads: 65))
        #expect(many.workers == 65)
        #expect { try KmodBackend.checkPlan(many) } throws: { "\($0)".contains("at most 64 workers") }
        // A user plan with a remainder slice is not "every chunk one size from the start".
        let uneven = try CutPlanner.plan(strategy: .user, size: .kib(40), memory: .anon, threads: 3)
        #expect(Set(uneven.chunks.map(\.length)).count > 1)
        #expect { try KmodBackend.checkPlan(uneven) } throws: { "\($0)".contains("the module cuts") }
    }

    @Test("folio runs are exact for anon and hugetlb and a range for THP", arguments: [
        (MemoryKind.anon, Chunk(offset: 0, length: 8 << 20), 4 << 20, 2048...2048),
        (.hugetlb2m, Chunk(offset: 0, length: 8 << 20), 4 << 20, 4...4),
        // 3M chunks cut 2M folios: the folio at [2M, 4M) is held twice, the one at [4M, 6M) too.
        (.hugetlb2m, Chunk(offset: 0, length: 6 << 20), 3 << 20, 4...4),
        (.thp, Chunk(offset: 2 << 20, length: 4 << 20), 4 << 20, 2...1024),
        (.memfd, Chunk(offset: 0, length: 1 << 20), 1 << 20, 256...256),
    ])
    func folioPieces(kind: MemoryKind, chunk: Chunk, chunkBytes: Int, expected: ClosedRange<Int>) {
        #expect(KmodBackend.folioPieces(kind, chunk, chunkBytes: chunkBytes) == expected)
    }

    @Test("without /dev/pinbench the backend is refused with how to load the module",
          .enabled(if: !FileManager.default.fileExists(atPath: PinBenchModule.devicePath), "the module is loaded here"))
    func notLoaded() {
        #expect { try KmodBackend() } throws: { "\($0)".contains("kernel module is not loaded") && "\($0)".contains("scripts/kmod.sh load") }
        #expect { try KmodOptions().makeBackend() } throws: { "\($0)".contains("PINBENCH_KMOD_STATUS") }
    }

    @Test("the options read as the record and title show them")
    func description() {
        #expect(KmodOptions().description == "gup remote, batch 512, unpin folio, helpers unbound")
        #expect(KmodOptions(pin: .memfd, gupBatch: 64, unpin: .folio, numaAware: true).description
            == "gup memfd, batch 64, unpin folio, helpers round-robin over nodes")
    }
}
