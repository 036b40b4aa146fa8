#if canImport(Glibc)
import Glibc
#endif
import CPinSys

extension PinBenchModule {
    /// How a PIN call takes its pages.
    public enum PinPath: String, Sendable, Equatable, Codable, CaseIterable {
        /// `pin_user_pages_remote` under `mmap_read_lock` per batch, on every worker.
        case remote
        /// `pin_user_pages_fast` on worker 0 (the caller's own thread); helpers stay remote.
        case fast
        /// `memfd_pin_folios` on the region's file: one pin per folio, no page-table walk.
        case memfd
    }

    /// One PIN call's request.
    public struct PinRequest: Sendable, Equatable {
        public var address: Int
        public var length: Int
        public var chunkBytes: Int
        public var workers: Int
        /// Pages (folios for `memfd`) per pin call inside the module; 0 is the module's 512.
        public var gupBatch: Int
        public var path: PinPath
        /// Helpers round-robin over the nodes with CPUs (`queue_work_node`), as padata does.
        public var numaAware: Bool
        /// For `memfd`: the file mapped at `address` from `fileOffset`.
        public var file: Int32
        public var fileOffset: Int
        /// Also map into the attached device's domain, `address` at this IOVA (`PINBENCH_KMOD_PIN_MAP`).
        public var iova: Int?

        public init(address: Int, length: Int, chunkBytes: Int, workers: Int, gupBatch: Int = 0, path: PinPath = .remote,
                    numaAware: Bool = false, file: Int32 = -1, fileOffset: Int = 0, iova: Int? = nil) {
            self.address = address
            self.length = length
            self.chunkBytes = chunkBytes
            self.workers = workers
            self.gupBatch = gupBatch
            self.path = path
            self.numaAware = numaAware
            self.file = file
            self.fileOffset = fileOffset
            self.iova = iova
        }
    }

    /// What one open file holds pinned now (`PINBENCH_KMOD_STATUS`).
    public struct FileStatus: Sendable, Equatable {
        public var pages: Int
        public var folios: Int
        public var chunks: Int
        /// The bytes of run arrays holding the pins, as the PIN call returned it.
        public var runBytes: Int
        /// The range's bytes mapped in the attached device's domain now.
        public var mappedBytes: Int
        /// Where the file's last PIN and UNPIN spent their time in the module (zero before one).
        public var pinPhases: Phases
        public var unpinPhases: Phases
    }

    /// One open `/dev/pinbench` file: at most one pinned range, unpinned by the module when the
    /// file is closed (also when the process dies). Calls on one file are serialized by the module.
    public final class File: @unchecked Sendable {
        /// Closed when the last holder lets go, which makes the module unpin what it holds.
        let file: FileDescriptor

        /// Opens `path` (`open(2)`); a missing device says how to load the module.
        public init(path: String = PinBenchModule.devicePath) throws(SystemError) {
            file = try FileDescriptor(opening: path, O_RDWR) { PinBenchModule.openHint(errno: $0) }
        }

        var descriptor: Int32 { file.rawValue }

        public func status() throws(SystemError) -> FileStatus {
            var status = cpinsys_kmod_status()
            let rc = cpinsys_kmod_file_status(descriptor, &status)
            guard rc == 0 else { throw SystemError("PINBENCH_KMOD_STATUS", errno: -rc) }
            return FileStatus(pages: Int(status.pages), folios: Int(status.folios), chunks: Int(status.chunks),
                              runBytes: Int(status.run_bytes), mappedBytes: Int(status.mapped_bytes),
                              pinPhases: Self.phases(status.pin_phases), unpinPhases: Self.phases(status.unpin_phases))
        }

        /// `PINBENCH_KMOD_PIN` (long-term, for write) of `request` (`cpinsys_kmod_pin`).
        public func pin(_ request: PinRequest) throws(SystemError) -> Call {
            var flags = UInt32(CPINSYS_KMOD_PIN_LONGTERM | CPINSYS_KMOD_PIN_WRITE)
            if request.path == .fast { flags |= UInt32(CPINSYS_KMOD_PIN_FAST) }
            if request.path == .memfd { flags |= UInt32(CPINSYS_KMOD_PIN_MEMFD) }
            if request.numaAware { flags |= UInt32(CPINSYS_KMOD_PIN_NUMA) }
            if request.iova != nil { flags |= UInt32(CPINSYS_KMOD_PIN_MAP) }
            var raw = cpinsys_kmod_pin_request(
                flags: flags, addr: UInt64(request.address), length: UInt64(request.length),
                chunk_bytes: UInt64(request.chunkBytes), workers: UInt32(request.workers),
                gup_batch: UInt32(request.gupBatch), memfd: request.file, memfd_offset: UInt64(request.fileOffset),
                iova: UInt64(request.iova ?? 0))
            var call = cpinsys_kmod_call()
            var workers = [cpinsys_kmod_worker](repeating: cpinsys_kmod_worker(), count: request.workers)
            let rc = workers.withUnsafeMutableBufferPointer { cpinsys_kmod_pin(descriptor, &raw, &call, $0.baseAddress) }
            guard rc == 0 else {
                throw SystemError("PINBENCH_KMOD_PIN(\(request.length) bytes, \(request.workers) workers, \(request.path)"
                                  + (request.iova.map { ", mapped at IOVA 0x\(String($0, radix: 16))" } ?? "") + ")",
                                  errno: -rc, hint: Self.hint(errno: -rc, pin: true))
            }
            var answer = Self.call(call, workers)
            answer.runBytes = Int(call.run_bytes)
            return answer
        }

        /// `PINBENCH_KMOD_UNPIN` with `workers` workers, one unpin per folio run or per page.
        public func unpin(workers: Int, perFolio: Bool) throws(SystemError) -> Call {
            var call = cpinsys_kmod_call()
            var records = [cpinsys_kmod_worker](repeating: cpinsys_kmod_worker(), count: workers)
            let flags = perFolio ? UInt32(CPINSYS_KMOD_UNPIN_FOLIO) : 0
            let rc = records.withUnsafeMutableBufferPointer {
                cpinsys_kmod_unpin(descriptor, flags, UInt32(workers), &call, $0.baseAddress)
            }
            guard rc == 0 else {
                throw SystemError("PINBENCH_KMOD_UNPIN(\(workers) workers)", errno: -rc, hint: Self.hint(errno: -rc, pin: false))
            }
            return Self.call(call, records)
        }

        static func call(_ call: cpinsys_kmod_call, _ workers: [cpinsys_kmod_worker]) -> Call {
            let check = call.map_check
            return Call(totalSeconds: Double(call.total_ns) / 1e9, pages: Int(call.pages), folios: Int(call.folios),
                        workers: workers.map {
                            Worker(startSeconds: Double($0.start_ns) / 1e9, endSeconds: Double($0.end_ns) / 1e9,
                                   chunks: Int($0.chunks), pages: Int($0.pages), folios: Int($0.folios),
                                   cpu: Int($0.cpu), node: Int($0.node), gupSeconds: Double($0.gup_ns) / 1e9,
                                   recordSeconds: Double($0.record_ns) / 1e9, mapSeconds: Double($0.map_ns) / 1e9,
                                   mapCalls: Int($0.map_calls))
                        },
                        mapCheck: check.segments == 0 && check.mapped_bytes == 0 ? nil
                            : MapCheck(bytes: Int(check.mapped_bytes), segments: Int(check.segments), checked: Int(check.checked),
                                       wrong: Int(check.wrong)))
        }

        static func phases(_ raw: cpinsys_kmod_phases) -> Phases {
            Phases(ioctlSeconds: Double(raw.ioctl_ns) / 1e9, setupSeconds: Double(raw.setup_ns) / 1e9,
                   workSeconds: Double(raw.work_ns) / 1e9, gupSeconds: Double(raw.gup_ns) / 1e9,
                   recordSeconds: Double(raw.record_ns) / 1e9, mapSeconds: Double(raw.map_ns) / 1e9,
                   verifySeconds: Double(raw.verify_ns) / 1e9, finishSeconds: Double(raw.finish_ns) / 1e9)
        }

        static func hint(errno code: Int32, pin: Bool) -> String? {
            switch code {
            case ENOTTY: return "the loaded module speaks another uAPI than this pinbench (\(PinBenchModule.apiVersion)): rebuild and reload it (`sudo scripts/kmod.sh build && sudo scripts/kmod.sh load`)"
            case ENOMEM where pin: return "pinned_vm would pass RLIMIT_MEMLOCK (raise it with `ulimit -l`), or the kernel is out of memory"
            case EBUSY: return "this file already holds a pinned range"
            case EOPNOTSUPP where pin: return "this kernel has no memfd_pin_folios (it came in 6.11): use --gup remote"
            case ENXIO where pin: return "the file is not attached to a device, or its device was unbound from the module"
            case EEXIST where pin: return "another file's range is mapped at these IOVAs in the device's domain: use another --iova-base"
            case ERANGE where pin: return "the IOVAs fall outside the device domain's aperture (`pinbench doctor` shows it): use a smaller --iova-base or region"
            case ENOENT: return "this file holds no pinned range"
            default: return nil
            }
        }
    }
}
