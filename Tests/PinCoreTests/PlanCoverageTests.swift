import PinCore
import Testing

/// Property-style: many sizes, thread counts, kinds and alignments; every plan covers the range
/// exactly once, in order, with cuts on the promised multiples.
@Suite("Every plan covers the range exactly once")
struct PlanCoverageTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static func checkCovers(_ plan: CutPlan) {
        var cursor = 0
        for chunk in plan.chunks {
            #expect(chunk.offset == cursor, "gap or overlap at \(cursor) in \(plan.strategy) \(plan.size)")
            #expect(chunk.length > 0)
            cursor = chunk.end
        }
        #expect(cursor == plan.size.bytes)
    }

    @Test("random sizes and thread counts", arguments: MemoryKind.allCases)
    func randomPlans(kind: MemoryKind) throws {
        var random = Generator(state: UInt64(kind.rawValue.utf8.count))
        for _ in 0..<300 {
            let pages = 1 + random.next(kind.pageSize == .pud ? 600 : 20_000)
            let size = ByteSize(pages * kind.pageSize.bytes)
            let threads = 1 + random.next(130)
            let cutAlign = CutAlign.allCases[random.next(CutAlign.allCases.count)]
            let kernel = KernelPlanParameters(
                align: [.base, .pmd, .pud, .folio][random.next(4)],
                minChunk: ByteSize((1 + random.next(64)) << 20), maxThreads: 1 + random.next(32))
            for strategy in Strategy.allCases {
                let plan = try CutPlanner.plan(strategy: strategy, size: size, memory: kind, threads: threads,
                                               cutAlign: cutAlign, kernel: kernel)
                Self.checkCovers(plan)
                #expect(plan.workers >= 1 && plan.workers <= max(threads, 1))
                switch strategy {
                case .single:
                    #expect(plan.chunks.count == 1)
                case .user:
                    #expect(plan.chunks.count == plan.workers)
                    for chunk in plan.chunks.dropLast() {
                        #expect(chunk.end % plan.alignment.bytes == 0)
                    }
                    let lengths = plan.chunks.dropLast().map(\.length)
                    if let longest = lengths.max(), let shortest = lengths.min() {
                        #expect(longest - shortest <= plan.alignment.bytes)  // balanced to one unit
                    }
                case .kernel:
                    let chunk = plan.chunkSize!.bytes
                    #expect(chunk % plan.alignment.bytes == 0)
                    #expect(chunk >= kernel.minChunk.bytes)
                    for piece in plan.chunks.dropLast() { #expect(piece.end % chunk == 0) }
                    #expect(plan.workers <= min(kernel.maxThreads, threads))
                }
            }
        }
    }

    @Test("cuts inside folio are counted exactly")
    func cutsInsideFolioCount() throws {
        for kind in MemoryKind.allCases {
            for threads in [1, 2, 3, 7, 16] {
                let plan = try CutPlanner.plan(strategy: .user, size: ByteSize(kind.folioSize.bytes * 13),
                                               memory: kind, threads: threads, cutAlign: .base)
                let expected = plan.chunks.dropLast().filter { $0.end % kind.folioSize.bytes != 0 }.count
                #expect(plan.cutsInsideFolio == expected)
                if plan.alignment.bytes % kind.folioSize.bytes == 0 { #expect(expected == 0) }
            }
        }
    }
}
