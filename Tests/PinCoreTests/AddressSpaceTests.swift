import PinCore
import Testing

@Suite("Sizes that cannot fit an address space are errors, never a crash")
struct AddressSpaceTests {
    @Test("sizes up to Int.max are refused by the planners with the ceiling, and their messages print", arguments: [
        Int.max, Int.max - 4095, 200 << 50, (1 << 56) + 4096,
    ])
    func beyond(bytes: Int) {
        for strategy in Strategy.allCases {
            #expect {
                try CutPlanner.plan(strategy: strategy, size: ByteSize(bytes), memory: .thp, threads: 2)
            } throws: { error in
                guard let error = error as? PlanError, case .beyondAddressSpace(let size, let limit) = error else { return false }
                return size.bytes == bytes && limit == .largest && error.description.contains("at most 64P")
            }
        }
    }

    @Test("the ceiling itself plans; a page-unaligned size near Int.max says the size below it")
    func edges() throws {
        let plan = try CutPlanner.plan(strategy: .kernel, size: ByteSize(1 << 56), memory: .hugetlb1g, threads: 16)
        #expect(plan.chunks.reduce(0) { $0 + $1.length } == 1 << 56)
        let message = PlanError.sizeNotPageMultiple(size: ByteSize(Int.max), kind: .anon).description
        // No multiple of 4K lies above Int.max: only the one below is offered.
        #expect(message.hasSuffix("use 9007199254740988K"), "\(message)")
        #expect(AddressSpace.fourLevel.description == "128T (x86-64 user address space with 4-level page tables)")
    }

    @Test("a minimum chunk no address space holds is refused before rounding it")
    func hugeMinChunk() {
        #expect(throws: PlanError.self) {
            try CutPlanner.plan(strategy: .kernel, size: .gib(1), memory: .anon, threads: 2,
                                kernel: KernelPlanParameters(minChunk: ByteSize(Int.max)))
        }
    }

    @Test("every size prints, up to Int.max", arguments: [Int.max, Int.max - 4095, 1 << 62, (1 << 50) * 3 / 2, 4095])
    func printing(bytes: Int) {
        let text = ByteSize(bytes).description
        #expect(!text.isEmpty)
        #expect((try? ByteSize(parsing: text))?.bytes == bytes, "\(text)")
    }
}
