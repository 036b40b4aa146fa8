#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore

// MARK: - Memory policy

extension Region {
    /// Sets `placement` on the whole region with `mbind` (before anything touches it, so every
    /// page is allocated under it). `interleave` spreads over `memoryNodes`. First touch sets nothing.
    public func applyPlacement(_ placement: MemoryPlacement, memoryNodes: [Int]) throws(SystemError) {
        let mode: Int32
        let nodes: [Int32]
        switch placement {
        case .firstTouch: return
        case .node(let id): (mode, nodes) = (CPINSYS_MPOL_BIND, [Int32(id)])
        case .interleave: (mode, nodes) = (CPINSYS_MPOL_INTERLEAVE, memoryNodes.map(Int32.init))
        case .local: (mode, nodes) = (CPINSYS_MPOL_LOCAL, [])
        case .device:
            throw SystemError("mbind(\(size) \(kind), device): the device's node was not resolved", errno: EINVAL,
                              hint: "resolve --node device to the device's node before the region is placed")
        }
        guard cpinsys_mbind(base, UInt(size.bytes), mode, nodes, Int32(nodes.count)) == 0 else {
            let hint = Glibc.errno == EINVAL ? "the node may have no memory, or be outside this process's cpuset (mems_allowed)" : nil
            throw .last("mbind(\(size) \(kind), \(placement))", hint: hint)
        }
    }
}

extension Region {
    /// The memory policy the kernel holds for the region (`get_mempolicy` with `MPOL_F_ADDR` at
    /// its first byte), as the placement it means: what `applyPlacement` is checked against.
    /// A default policy reads as first touch.
    public func placementInEffect() throws(SystemError) -> (placement: MemoryPlacement, nodes: [Int]) {
        var mode: Int32 = 0
        var nodes = [Int32](repeating: 0, count: 1024)
        let count = cpinsys_mempolicy_at(base, &mode, &nodes, Int32(nodes.count))
        guard count >= 0 else { throw .last("get_mempolicy(MPOL_F_ADDR, \(kind) region)") }
        let found = nodes.prefix(Int(count)).map(Int.init)
        switch mode {
        case CPINSYS_MPOL_BIND where found.count == 1: return (.node(found[0]), found)
        case CPINSYS_MPOL_INTERLEAVE: return (.interleave, found)
        case CPINSYS_MPOL_LOCAL: return (.local, found)
        case CPINSYS_MPOL_DEFAULT: return (.firstTouch, found)
        default: throw SystemError("get_mempolicy(MPOL_F_ADDR) gave mode \(mode) over nodes \(found)", errno: EINVAL)
        }
    }
}

// MARK: - Where pages are

extension Region {
    /// Asks where up to `limit` of the region's pages are: one address per MMU page of the kind,
    /// spread over the region by `sampledPageIndices`. Untimed; costs one syscall.
    public func samplePageNodes(limit: Int = 1024) throws(SystemError) -> PageNodeSample {
        let pageBytes = kind.pageSize.bytes
        let indices = Self.sampledPageIndices(pages: pages, limit: limit)
        let count = indices.count
        var addresses: [UnsafeMutableRawPointer?] = indices.map { base + $0 * pageBytes }
        var status = [Int32](repeating: 0, count: count)
        guard cpinsys_move_pages_status(&addresses, UInt(count), &status) == 0 else {
            throw .last("move_pages(status of \(count) pages)")
        }
        var sample = PageNodeSample(sampled: count, pagesByNode: [:], absent: 0, errors: 0)
        for value in status {
            if value >= 0 {
                sample.pagesByNode[Int(value), default: 0] += 1
            } else if value == -ENOENT {
                sample.absent += 1
            } else {
                sample.errors += 1
            }
        }
        return sample
    }

    /// Up to `limit` page indices of `pages`, one in each of `limit` equal strata, ascending.
    /// Within stratum `i` the page taken is `i mod width` from its start, not its first page:
    /// evenly spaced first pages alias with interleaving (8192 pages sampled 1024 times are
    /// every 8th page, all on node 0 of an interleave over 2 or 4 nodes), while this walks every
    /// offset in turn, so each residue modulo a node count is sampled about equally often.
    public static func sampledPageIndices(pages: Int, limit: Int) -> [Int] {
        let count = max(min(limit, pages), 1)
        return (0..<count).map { index in
            let low = index * pages / count
            let width = max((index + 1) * pages / count - low, 1)
            return low + index % width
        }
    }
}
