#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinCore

extension FixedBufferRing {
    /// The buffers the kernel lists for this ring in `/proc/self/fdinfo/<ring fd>`, or nil when
    /// this kernel lists none (no `UserBufs:` line). The kernel lists them only when it gets the
    /// ring's lock at once, so an unlisted slot is asked again a few times before it counts.
    public func kernelList() throws(SystemError) -> RegisteredBufferList? {
        let path = "/proc/self/fdinfo/\(cpinsys_uring_fd(ring))"
        var last: RegisteredBufferList?
        for _ in 0..<4 {
            let text = try ProcFile.read(path)
            do throws(RegisteredBufferListError) {
                guard let list = try RegisteredBufferList(fdinfo: text) else { return nil }
                if list.buffers.count == list.slots || list.slots == 0 { return list }
                last = list
            } catch {
                throw SystemError("read \(path)", errno: EINVAL, hint: error.description)
            }
        }
        return last
    }
}
