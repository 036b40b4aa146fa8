#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore

/// One io_uring instance used only to register fixed buffers: `io_uring_register_buffers`
/// pins every page of each buffer with `pin_user_pages(FOLL_WRITE | FOLL_LONGTERM)` and charges
/// it to the process's `pinned_vm` (`VmPin`), the same long-term pin `VFIO_IOMMU_MAP_DMA`
/// takes. Unregistering (or closing the ring) unpins. Not thread-safe: one thread at a time.
public final class FixedBufferRing: @unchecked Sendable {
    /// The kernel's limit on one registered buffer (`SZ_1G`).
    public static let maxBufferBytes = Int(CPINSYS_URING_MAX_BUFFER_BYTES)
    /// The kernel's limit on buffers per ring (`IORING_MAX_REG_BUFFERS`).
    public static let maxBuffers = Int(CPINSYS_URING_MAX_BUFFERS)
    /// The most one ring can pin.
    public static let maxBytes = maxBufferBytes * maxBuffers

    let ring: OpaquePointer
    /// The address ranges registered now, in registration order.
    public private(set) var registered: [(address: Int, length: Int)] = []

    /// Creates the ring (`io_uring_queue_init`).
    public init() throws(SystemError) {
        var ring: OpaquePointer?
        let rc = cpinsys_uring_open(&ring)
        guard rc == 0, let ring else {
            throw SystemError("io_uring_queue_init", errno: -rc, hint: Self.hint(errno: -rc))
        }
        self.ring = ring
    }

    deinit { cpinsys_uring_close(ring) }

    /// Pins `[address, address + length)` by registering it as buffers of at most 1 GiB
    /// (`io_uring_register_buffers`). A ring registers once: call `unregister` before reusing it.
    public func register(_ address: UnsafeRawPointer, length: Int) throws(SystemError) {
        precondition(registered.isEmpty, "a ring registers its buffers once")
        let count = (length + Self.maxBufferBytes - 1) / Self.maxBufferBytes
        guard count <= Self.maxBuffers else {
            throw SystemError(
                "io_uring_register_buffers of \(ByteSize(length))", errno: EINVAL,
                hint: "one ring holds at most \(Self.maxBuffers) buffers of 1G; split the range over several rings")
        }
        var iovecs: [iovec] = []
        iovecs.reserveCapacity(count)
        var offset = 0
        while offset < length {
            let piece = min(Self.maxBufferBytes, length - offset)
            iovecs.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: address + offset), iov_len: piece))
            offset += piece
        }
        let rc = iovecs.withUnsafeBufferPointer { cpinsys_uring_register_buffers(ring, $0.baseAddress, UInt32($0.count)) }
        guard rc == 0 else {
            throw SystemError(
                "io_uring_register_buffers of \(ByteSize(length)) at \(String(Int(bitPattern: address), radix: 16))",
                errno: -rc, hint: Self.hint(errno: -rc))
        }
        registered = iovecs.map { (Int(bitPattern: $0.iov_base), $0.iov_len) }
    }

    /// Unpins everything registered (`io_uring_unregister_buffers`). Nothing registered is not an error.
    public func unregister() throws(SystemError) {
        guard !registered.isEmpty else { return }
        let rc = cpinsys_uring_unregister_buffers(ring)
        guard rc == 0 else { throw SystemError("io_uring_unregister_buffers", errno: -rc) }
        registered.removeAll()
    }

    /// What to do about an io_uring failure, when we know.
    public static func hint(errno: Int32) -> String? {
        switch errno {
        case EPERM:
            let disabled = ProcFile.readInt("/proc/sys/kernel/io_uring_disabled") ?? 0
            return disabled > 0
                ? "kernel.io_uring_disabled is \(disabled): allow it with sysctl -w kernel.io_uring_disabled=0"
                : "io_uring is not permitted for this process (seccomp or a container profile?)"
        case ENOSYS: return "this kernel has no io_uring (CONFIG_IO_URING=n)"
        case ENOMEM:
            return "RLIMIT_MEMLOCK is too low for the pinned size: run as root (CAP_IPC_LOCK) or raise it (ulimit -l unlimited)"
        case EFAULT: return "a page of the range could not be pinned (unmapped, or the hugetlb pool ran dry)"
        case EOPNOTSUPP: return "this memory cannot be pinned long-term (file-backed mappings other than shmem and hugetlb)"
        case EMFILE, ENFILE: return "out of file descriptors for rings: raise ulimit -n"
        default: return nil
        }
    }
}
