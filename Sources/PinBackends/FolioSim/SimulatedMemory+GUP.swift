#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore
import PinSystem

/// What one pin or unpin call did, for the run's metrics.
struct GUPCounters: Sendable {
    /// Grabs (pin) or puts (unpin): one per page per-page, one per folio piece batched.
    var operations = 0
    /// Atomic read-modify-writes on memmap records.
    var atomics = 0
    /// Compare-exchanges lost to another thread on a refcount (folio contention).
    var retries: UInt64 = 0
}

// MARK: - pin_user_pages

extension SimulatedMemory {
    typealias PagePointer = UnsafeMutablePointer<cpinsys_sim_page>

    /// `pin_user_pages(FOLL_PIN)` over base pages `[first, first + count)`: walks the page
    /// table, takes FOLL_PIN references (a small folio's refcount +1024 per page, a large
    /// folio's refcount and pin count +1 per page) and fills `pageArray[first...]`.
    func pin(first: Int, count: Int, mode: GUPMode, counters: inout GUPCounters) throws(SystemError) {
        switch mode {
        case .perPage: try pinPerPage(first: first, count: count, counters: &counters)
        case .folio: try pinFolios(first: first, count: count, counters: &counters)
        }
    }

    /// Every page on its own: a full walk, `page_folio`, one grab of 1 (GUP before folios).
    private func pinPerPage(first: Int, count: Int, counters: inout GUPCounters) throws(SystemError) {
        let table = pageTable
        let memmap = self.memmap
        let pageArray = self.pageArray
        var retries: UInt64 = 0
        var address = self.address &+ first << 12
        for page in first..<(first + count) {
            let frame = table.walk(address)
            guard frame >= 0 else { throw fault(page, "no page table entry") }
            let record = memmap + frame
            let folio = cpinsys_sim_page_folio(record).unsafelyUnwrapped
            guard Self.grab(folio, refs: 1, retries: &retries) else { throw fault(page, "folio refcount is 0 (freed)") }
            pageArray[page] = record
            address &+= 4096
        }
        counters.operations += count
        counters.atomics += 2 * count
        counters.retries += retries
    }

    /// One grab per folio piece: a PUD or PMD leaf is taken whole (up to the range's end);
    /// PTEs are batched while they map the next page of the same folio (`folio_pte_batch`).
    /// The page array gets every page, by pointer arithmetic, as `record_subpages` does.
    private func pinFolios(first: Int, count: Int, counters: inout GUPCounters) throws(SystemError) {
        let table = pageTable
        let memmap = self.memmap
        let pageArray = self.pageArray
        var retries: UInt64 = 0
        var operations = 0
        let end = first + count
        var page = first
        while page < end {
            let found = table.leaf(address &+ page << 12)
            guard found.frame >= 0 else { throw fault(page, "no page table entry") }
            let record = memmap + found.frame
            let folio = cpinsys_sim_page_folio(record).unsafelyUnwrapped
            var batch: Int
            if let pte = found.pte {
                let folioEnd = (folio - memmap) + (1 << Int(cpinsys_sim_folio_order(folio)))
                let limit = min(end - page, folioEnd - found.frame, found.pteLeft)
                let expected = UInt64(found.frame) << 12 | SimulatedPageTable.present
                batch = 1
                while batch < limit, pte[batch] == expected &+ UInt64(batch) << 12 { batch += 1 }
            } else {
                batch = min(found.leafPages, end - page)
            }
            guard Self.grab(folio, refs: Int32(batch), retries: &retries) else { throw fault(page, "folio refcount is 0 (freed)") }
            for index in 0..<batch { pageArray[page &+ index] = record + index }
            page += batch
            operations += 1
        }
        counters.operations += operations
        counters.atomics += 2 * operations
        counters.retries += retries
    }

    /// `try_grab_folio(folio, refs, FOLL_PIN)`: `folio_ref_try_add`, then the pin count for a
    /// large folio or the rest of the bias (1023 per ref) for a small one.
    @inline(__always)
    static func grab(_ folio: PagePointer, refs: Int32, retries: inout UInt64) -> Bool {
        guard cpinsys_sim_ref_try_add(folio, refs, &retries) else { return false }
        if cpinsys_sim_folio_test_large(folio) {
            cpinsys_sim_pincount_add(folio, refs)
        } else {
            cpinsys_sim_ref_add(folio, refs &* (CPINSYS_SIM_PIN_BIAS - 1))
        }
        return true
    }

    // MARK: - unpin_user_pages

    /// `unpin_user_page` per page, or `unpin_user_pages` batching consecutive entries of one
    /// folio (`gup_folio_next`, which reads every entry's `compound_head` to group them).
    func unpin(first: Int, count: Int, mode: GUPMode, counters: inout GUPCounters) throws(SystemError) {
        let pageArray = self.pageArray
        let end = first + count
        var page = first
        var operations = 0
        while page < end {
            guard let record = pageArray[page] else { throw fault(page, "no page in the page array to unpin") }
            let folio = cpinsys_sim_page_folio(record).unsafelyUnwrapped
            var batch = 1
            if mode == .folio {
                while page &+ batch < end, let next = pageArray[page &+ batch], cpinsys_sim_page_folio(next) == folio {
                    batch += 1
                }
            }
            guard Self.put(folio, refs: Int32(batch)) else {
                throw fault(page, "unpinning took a count below its unpinned value (unbalanced pins)")
            }
            page += batch
            operations += 1
        }
        counters.operations += operations
        counters.atomics += 2 * operations
    }

    /// `gup_put_folio(folio, refs, FOLL_PIN)`: the pin count of a large folio, then the
    /// references (the whole bias for a small one). False when a count falls below the state
    /// an unpinned mapped folio has (pin count 0, refcount 1).
    @inline(__always)
    static func put(_ folio: PagePointer, refs: Int32) -> Bool {
        var references = refs
        if cpinsys_sim_folio_test_large(folio) {
            guard cpinsys_sim_pincount_sub_return(folio, refs) >= 0 else { return false }
        } else {
            references = refs &* CPINSYS_SIM_PIN_BIAS
        }
        return cpinsys_sim_ref_sub_return(folio, references) >= 1
    }

    private func fault(_ page: Int, _ what: String) -> SystemError {
        SystemError("foliosim at base page \(page) (\(ByteSize(page * PageSize.base.bytes)) into the range)",
                    errno: EFAULT, hint: what)
    }
}
