#if canImport(Glibc)
import Glibc
#endif
import CPinSys
import PinContract
import PinCore
import PinSystem
import Synchronization

/// The devices of one iommufd IOAS and the IOMMU domains (HWPTs) they are attached through:
/// each device cdev bound to the iommufd (`VFIO_DEVICE_BIND_IOMMUFD`), the HWPTs its
/// `VFIOOptions.Domains` asks for allocated over the IOAS (`IOMMU_HWPT_ALLOC`: one for the
/// first device in `shared` mode, one per device in `per-device` mode), and every device
/// attached to its HWPT (`VFIO_DEVICE_ATTACH_IOMMUFD_PT` with the HWPT's id, never the IOAS's).
///
/// The HWPTs are allocated explicitly, not left to an attach to the IOAS: there iommufd reuses
/// any automatic domain the device can join and silently makes a new one where it cannot, so
/// "shared" could quietly become two domains. Allocated here, shared is one domain or a refusal,
/// and both modes are made the same way, differing only in how many HWPTs there are.
final class IOMMUFDAttachment: @unchecked Sendable {
    /// One attached device.
    struct Device {
        let path: String
        let file: FileDescriptor
        /// The iommufd's id of the bound device (`out_devid`).
        let deviceID: UInt32
        /// The HWPT it was attached to.
        let hwptID: UInt32
        /// What `VFIO_DEVICE_ATTACH_IOMMUFD_PT` said it attached (its `pt_id` out).
        let attachedID: UInt32
    }

    let mode: VFIOOptions.Domains
    let ioasID: UInt32
    /// The flags every `IOMMU_HWPT_ALLOC` was given.
    let hwptFlags: UInt32
    let iommu: FileDescriptor
    private(set) var devices: [Device] = []
    /// The HWPTs allocated, in order: one, or one per device.
    private(set) var hwptIDs: [UInt32] = []
    /// Devices opened and bound but not yet attached (only while setting up).
    private var bound: [(path: String, file: FileDescriptor, deviceID: UInt32)] = []
    /// What `IOMMU_IOAS_UNMAP` answered since the last check: bytes it took down, and calls
    /// whose answer was not the length asked.
    private let unmapAnswers = Mutex<(bytes: Int, calls: Int, short: Int)>((0, 0, 0))

    /// Opens, binds and attaches `paths` to the IOAS `ioasID` of `iommu` through the domains
    /// `mode` asks for (`hwptFlags` for each `IOMMU_HWPT_ALLOC`); on any failure undoes what
    /// it did, in reverse (detach, destroy the HWPTs, unbind by closing), and throws.
    init(iommu: FileDescriptor, ioasID: UInt32, devices paths: [String], mode: VFIOOptions.Domains,
         hwptFlags: UInt32 = 0) throws(SystemError) {
        self.iommu = iommu
        self.ioasID = ioasID
        self.mode = mode
        self.hwptFlags = hwptFlags
        do throws(SystemError) {
            try bind(paths)
            try allocateAndAttach(flags: hwptFlags)
        } catch {
            tearDown()
            throw error
        }
    }

    deinit { tearDown() }

    // MARK: - Setting up

    private func bind(_ paths: [String]) throws(SystemError) {
        guard !paths.isEmpty else {
            throw SystemError("iommufd with no device", errno: EINVAL, hint: "list a device: --vfio iommufd:vfioN")
        }
        // Every group checked before any device is bound, so a bad list touches nothing.
        for path in paths {
            if let reason = VFIODeviceFile.nonViableGroup(ofDevice: path) {
                throw SystemError("VFIO_DEVICE_BIND_IOMMUFD on \(path)", errno: EBUSY, hint: reason)
            }
        }
        var identities: [(path: String, device: UInt)] = []
        for path in paths {
            let file = try VFIODeviceFile.open(
                path,
                missing: "no VFIO device cdev at \(path): it needs CONFIG_VFIO_DEVICE_CDEV and a device bound to vfio-pci; "
                    + "ls /dev/vfio/devices lists them")
            // The same device under two names (a path and vfioN, or a link) would bind twice.
            let device = UInt(try file.status().st_rdev)
            if let twin = identities.first(where: { $0.device == device }) {
                throw SystemError("open(\(path))", errno: EINVAL, hint: "\(path) is \(twin.path) again: list each device once")
            }
            identities.append((path, device))
            var request = cpinsys_vfio_device_bind_iommufd(
                argsz: UInt32(MemoryLayout<cpinsys_vfio_device_bind_iommufd>.size), flags: 0, iommufd: iommu.rawValue, out_devid: 0)
            try file.ioctl("VFIO_DEVICE_BIND_IOMMUFD", CPINSYS_VFIO_DEVICE_BIND_IOMMUFD, &request) { error in
                error == EBUSY ? "the device is bound already (another process, or its group is open through type1), "
                    + "or its IOMMU group is not viable" : nil
            }
            bound.append((path, file, request.out_devid))
        }
    }

    private func allocateAndAttach(flags: UInt32) throws(SystemError) {
        for (index, device) in bound.enumerated() {
            if mode == .perDevice || hwptIDs.isEmpty { hwptIDs.append(try allocateHWPT(for: device.deviceID, path: device.path, flags: flags)) }
            let hwpt = hwptIDs[hwptIDs.count - 1]
            var request = cpinsys_vfio_device_attach_iommufd_pt(
                argsz: UInt32(MemoryLayout<cpinsys_vfio_device_attach_iommufd_pt>.size), flags: 0, pt_id: hwpt)
            let first = bound[0].path
            try device.file.ioctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT (hwpt \(hwpt))", CPINSYS_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &request) { error in
                error == EINVAL && index > 0 && self.mode == .shared
                    ? "\(device.path) cannot join the domain made for \(first) (behind another IOMMU, or incompatible): "
                        + "use --iommufd-domains per-device" : nil
            }
            devices.append(Device(path: device.path, file: device.file, deviceID: device.deviceID, hwptID: hwpt,
                                  attachedID: request.pt_id))
        }
        bound = []
    }

    /// `IOMMU_HWPT_ALLOC`: a paging domain for the device over the IOAS, holding whatever the
    /// IOAS maps (nothing yet) and every later map.
    private func allocateHWPT(for deviceID: UInt32, path: String, flags: UInt32) throws(SystemError) -> UInt32 {
        if flags & UInt32(CPINSYS_IOMMU_HWPT_ALLOC_DIRTY_TRACKING) != 0 { try checkDirtyTracking(deviceID: deviceID, path: path) }
        var request = cpinsys_iommu_hwpt_alloc(
            size: UInt32(MemoryLayout<cpinsys_iommu_hwpt_alloc>.size), flags: flags, dev_id: deviceID, pt_id: ioasID,
            out_hwpt_id: 0, reserved: 0, data_type: 0, data_len: 0, data_uptr: 0)
        try iommu.ioctl("IOMMU_HWPT_ALLOC for \(path) over IOAS \(ioasID)", CPINSYS_IOMMU_HWPT_ALLOC, &request) { error in
            error == ENOTTY ? "this kernel has no IOMMU_HWPT_ALLOC (Linux 6.7 brought it)" : nil
        }
        return request.out_hwpt_id
    }

    // MARK: - Undoing

    /// Detaches every device (in reverse), destroys the HWPTs (in reverse) and closes the
    /// devices (which unbinds them); the IOAS is the mapper's. Errors are ignored: the closes
    /// that follow free whatever a failed step left.
    func tearDown() {
        for device in devices.reversed() {
            var request = cpinsys_vfio_device_detach_iommufd_pt(
                argsz: UInt32(MemoryLayout<cpinsys_vfio_device_detach_iommufd_pt>.size), flags: 0)
            _ = try? device.file.ioctl("VFIO_DEVICE_DETACH_IOMMUFD_PT", CPINSYS_VFIO_DEVICE_DETACH_IOMMUFD_PT, &request)
        }
        for hwpt in hwptIDs.reversed() { _ = destroy(hwpt) }
        devices = []
        hwptIDs = []
        bound = []
    }

    /// `IOMMU_DESTROY` of an object: nil when it was destroyed, else the errno.
    private func destroy(_ id: UInt32) -> Int32? {
        var request = cpinsys_iommu_destroy(size: UInt32(MemoryLayout<cpinsys_iommu_destroy>.size), id: id)
        do { try iommu.ioctl("IOMMU_DESTROY", CPINSYS_IOMMU_DESTROY, &request) } catch { return error.errno }
        return nil
    }

    // MARK: - What is seen

    /// "2 per-device domains: vfio2 -> hwpt 3, vfio3 -> hwpt 4".
    var summary: String {
        "\(mode.describe(devices: devices.count)): "
            + devices.map { "\($0.path.split(separator: "/").last.map(String.init) ?? $0.path) -> hwpt \($0.hwptID)" }
                .joined(separator: ", ")
    }

    /// Records one `IOMMU_IOAS_UNMAP`'s answer (its `length` out) against the length asked.
    func unmapped(asked: Int, answered: UInt64) {
        unmapAnswers.withLock {
            $0.bytes += Int(clamping: answered)
            $0.calls += 1
            if answered != UInt64(asked) { $0.short += 1 }
        }
    }

    /// Forgets the unmap answers (before a phase that unmaps).
    func resetUnmapAnswers() { unmapAnswers.withLock { $0 = (0, 0, 0) } }

    /// Each device attached where the mode says: the HWPT ids iommufd returned (one per device
    /// and all distinct per-device, one for all shared), every attach answering the id asked,
    /// and every HWPT still held by a device: `IOMMU_DESTROY` answers `EBUSY` for an object
    /// with users (a HWPT no device held would be destroyed, and the check fails).
    func verifyAttached() -> Verification {
        let expected = mode.count(devices: devices.count)
        let distinct = Set(devices.map(\.hwptID))
        let answered = devices.allSatisfy { $0.attachedID == $0.hwptID }
        var held = 0
        var notHeld: [String] = []
        for hwpt in hwptIDs {
            let answer = destroy(hwpt)
            if answer == EBUSY { held += 1 } else { notHeld.append("hwpt \(hwpt): \(answer.map { "errno \($0)" } ?? "destroyed")") }
        }
        let passed = !devices.isEmpty && hwptIDs.count == expected && distinct.count == expected && Set(hwptIDs) == distinct
            && answered && notHeld.isEmpty
        var detail = "\(summary) (\(distinct.count) distinct hwpt ids, \(expected) expected"
        detail += answered ? ", every attach answered its hwpt" : ", an attach answered another id"
        detail += notHeld.isEmpty ? ", IOMMU_DESTROY EBUSY for each: held)" : ", not held: \(notHeld.joined(separator: ", ")))"
        return Verification(passed: passed, detail: detail)
    }

    /// The IOAS's own view of the mapping: each of `entries` copied whole into a scratch IOAS
    /// with no domain (`IOMMU_IOAS_COPY`, which succeeds only where the source holds whole
    /// mappings over the range, shares their pinned pages and pins nothing), and a copy of the
    /// page after `end` refused (nothing mapped past the region). The scratch IOAS is destroyed.
    func verifyIOASView(_ entries: [IOVATable.Entry], end: UInt64) -> Verification {
        var scratch = cpinsys_iommu_ioas_alloc(size: UInt32(MemoryLayout<cpinsys_iommu_ioas_alloc>.size), flags: 0, out_ioas_id: 0)
        do { try iommu.ioctl("IOMMU_IOAS_ALLOC", CPINSYS_IOMMU_IOAS_ALLOC, &scratch) } catch { return .failed("IOAS view: \(error)") }
        defer { _ = destroy(scratch.out_ioas_id) }
        func copy(_ iova: UInt64, _ length: Int) -> Int32? {
            var request = cpinsys_iommu_ioas_copy(
                size: UInt32(MemoryLayout<cpinsys_iommu_ioas_copy>.size),
                flags: UInt32(CPINSYS_IOMMU_IOAS_MAP_FIXED_IOVA | CPINSYS_IOMMU_IOAS_MAP_WRITEABLE | CPINSYS_IOMMU_IOAS_MAP_READABLE),
                dst_ioas_id: scratch.out_ioas_id, src_ioas_id: ioasID, length: UInt64(length), dst_iova: iova, src_iova: iova)
            do { try iommu.ioctl("IOMMU_IOAS_COPY", CPINSYS_IOMMU_IOAS_COPY, &request) } catch { return error.errno }
            return nil
        }
        var copied = 0
        var failures: [String] = []
        for entry in entries {
            if let errno = copy(entry.iova, entry.length) {
                failures.append("0x\(String(entry.iova, radix: 16)) +\(ByteSize(entry.length)): errno \(errno)")
            } else {
                copied += entry.length
            }
        }
        let past = copy(end, PageSize.base.bytes)
        let passed = failures.isEmpty && past != nil && !entries.isEmpty
        var detail = "IOAS \(ioasID) holds \(ByteSize(copied)) in \(entries.count - failures.count)/\(entries.count) mappings (IOMMU_IOAS_COPY)"
        if !failures.isEmpty { detail += ", not held: \(failures.prefix(3).joined(separator: ", "))" }
        detail += past == nil ? ", and a page past the region too" : ", nothing past the region"
        return Verification(passed: passed, detail: detail)
    }

    /// Every `IOMMU_IOAS_UNMAP` since the reset answered the length it was asked, `bytes` in all.
    func verifyUnmapAnswers(bytes: Int) -> Verification {
        let answers = unmapAnswers.withLock { current in
            defer { current = (0, 0, 0) }
            return current
        }
        return Verification(
            passed: answers.bytes == bytes && answers.short == 0,
            detail: "IOMMU_IOAS_UNMAP took down \(ByteSize(answers.bytes)) in \(answers.calls) calls"
                + (answers.short == 0 ? ", each its whole length" : ", \(answers.short) answered another length"))
    }
}
