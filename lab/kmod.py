"""PinBench's kernel module (/dev/pinbench) driven from Python, for the lab suite.

The layout is the one Sources/CPinSys/uapi/pinbench_kmod.h asserts: the suite checks the
module's own answers, not pinbench's, so a fault in one cannot hide a fault in the other.
"""

import ctypes
import fcntl
import mmap
import os
import struct

API_VERSION = 4
MAX_WORKERS = 64
PIN_LONGTERM, PIN_WRITE, PIN_FAST, PIN_NUMA, PIN_MEMFD, PIN_MAP = 1, 2, 4, 8, 16, 32
UNPIN_FOLIO = 1
FEATURE_MEMFD, FEATURE_MAP = 1, 2
ATTACH_QUERY = 1

WORKER = struct.Struct("<QQQQQiiQQQQ")            # 80 bytes
MAP_CHECK = struct.Struct("<QQQQ")                # 32 bytes
PHASES = struct.Struct("<QQQQQQQQ")               # 64 bytes
PIN_HEAD = struct.Struct("<IIQQQIIiIQQQQQQ")      # 96 bytes, then the map check
UNPIN_HEAD = struct.Struct("<IIIIQQQ")            # 40 bytes, then the map check
STATUS_HEAD = struct.Struct("<IIQQQQQQIIQQ")      # 80 bytes, then two phase records
ATTACH = struct.Struct("<II32siIiIQQQQQ")         # 96 bytes
PIN_SIZE = PIN_HEAD.size + MAP_CHECK.size + WORKER.size * MAX_WORKERS
UNPIN_SIZE = UNPIN_HEAD.size + MAP_CHECK.size + WORKER.size * MAX_WORKERS
STATUS_SIZE = STATUS_HEAD.size + 2 * PHASES.size
assert (WORKER.size, PIN_HEAD.size, UNPIN_HEAD.size, STATUS_SIZE, ATTACH.size) == (80, 96, 40, 208, 96)
PHASE_KEYS = ("ioctl_ns", "setup_ns", "work_ns", "gup_ns", "record_ns", "map_ns", "verify_ns", "finish_ns")
CHECK_KEYS = ("mapped_bytes", "segments", "checked", "wrong")


def _iowr(number, size):
    return (3 << 30) | (size << 16) | (ord("P") << 8) | number


IOCTL_STATUS = _iowr(0, STATUS_SIZE)
IOCTL_PIN = _iowr(1, PIN_SIZE)
IOCTL_UNPIN = _iowr(2, UNPIN_SIZE)
IOCTL_ATTACH = _iowr(3, ATTACH.size)


def _workers(buffer, offset, count):
    keys = ("start_ns", "end_ns", "chunks", "pages", "folios", "cpu", "node", "gup_ns", "record_ns", "map_ns", "map_calls")
    return [dict(zip(keys, WORKER.unpack_from(buffer, offset + i * WORKER.size))) for i in range(count)]


class Device:
    """One open /dev/pinbench file."""

    def __init__(self, path="/dev/pinbench"):
        self.fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)

    def close(self):
        os.close(self.fd)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def status(self):
        buffer = bytearray(STATUS_SIZE)
        STATUS_HEAD.pack_into(buffer, 0, STATUS_SIZE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        fcntl.ioctl(self.fd, IOCTL_STATUS, buffer, True)
        keys = ("size", "version", "pages", "folios", "chunks", "files", "pinned_pages_all", "run_bytes", "features",
                "devices", "mapped_bytes", "mapped_all")
        status = dict(zip(keys, STATUS_HEAD.unpack_from(buffer)))
        status["pin_phases"] = dict(zip(PHASE_KEYS, PHASES.unpack_from(buffer, STATUS_HEAD.size)))
        status["unpin_phases"] = dict(zip(PHASE_KEYS, PHASES.unpack_from(buffer, STATUS_HEAD.size + PHASES.size)))
        return status

    def attach(self, address, query=False):
        """PINBENCH_KMOD_ATTACH of the device at PCI address `address`; its description."""
        buffer = bytearray(ATTACH.pack(ATTACH.size, ATTACH_QUERY if query else 0, address.encode(), 0, 0, 0, 0, 0, 0, 0, 0, 0))
        fcntl.ioctl(self.fd, IOCTL_ATTACH, buffer, True)
        keys = ("size", "flags", "device", "group", "group_devices", "domain_error", "domain_type", "aperture_start",
                "aperture_end", "pgsize_bitmap", "files", "mapped_bytes")
        return dict(zip(keys, ATTACH.unpack_from(buffer)))

    def pin(self, addr, length, chunk_bytes, workers=1, flags=PIN_LONGTERM | PIN_WRITE, gup_batch=0,
            memfd=-1, memfd_offset=0, iova=None):
        buffer = bytearray(PIN_SIZE)
        if iova is not None:
            flags |= PIN_MAP
        PIN_HEAD.pack_into(buffer, 0, PIN_SIZE, flags, addr, length, chunk_bytes, workers, gup_batch,
                           memfd, 0, memfd_offset, iova or 0, 0, 0, 0, 0)
        fcntl.ioctl(self.fd, IOCTL_PIN, buffer, True)
        head = PIN_HEAD.unpack_from(buffer)
        return {"total_ns": head[11], "pages": head[12], "folios": head[13], "run_bytes": head[14],
                "map_check": dict(zip(CHECK_KEYS, MAP_CHECK.unpack_from(buffer, PIN_HEAD.size))),
                "workers": _workers(buffer, PIN_HEAD.size + MAP_CHECK.size, workers)}

    def unpin(self, workers=1, folio=False):
        buffer = bytearray(UNPIN_SIZE)
        UNPIN_HEAD.pack_into(buffer, 0, UNPIN_SIZE, UNPIN_FOLIO if folio else 0, workers, 0, 0, 0, 0)
        fcntl.ioctl(self.fd, IOCTL_UNPIN, buffer, True)
        head = UNPIN_HEAD.unpack_from(buffer)
        return {"total_ns": head[4], "pages": head[5], "folios": head[6],
                "map_check": dict(zip(CHECK_KEYS, MAP_CHECK.unpack_from(buffer, UNPIN_HEAD.size))),
                "workers": _workers(buffer, UNPIN_HEAD.size + MAP_CHECK.size, workers)}


MADV_HUGEPAGE = 14


class Memory:
    """An anonymous mapping and its address; `thp` asks for huge pages (2 MiB-aligned); `memfd`
    maps a memfd of that size shared instead (`self.fd`)."""

    def __init__(self, size, thp=False, memfd=False):
        extra = (2 << 20) if thp else 0
        self.fd = -1
        if memfd:
            self.fd = os.memfd_create("kmod-lab")
            os.ftruncate(self.fd, size)
            self.map = mmap.mmap(self.fd, size, flags=mmap.MAP_SHARED)
        else:
            self.map = mmap.mmap(-1, size + extra, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        base = ctypes.addressof(ctypes.c_char.from_buffer(self.map))
        self.addr = base
        if thp:
            self.addr = (base + (2 << 20) - 1) & ~((2 << 20) - 1)
            libc = ctypes.CDLL(None, use_errno=True)
            libc.madvise(ctypes.c_void_p(self.addr), ctypes.c_size_t(size), MADV_HUGEPAGE)
        self.size = size

    def close(self):
        """Unmaps it (and closes its memfd); pins must be gone first."""
        self.map.close()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


MAP_HUGETLB = 0x40000


class HugetlbMemory(Memory):
    """A private anonymous mapping of 2 MiB hugetlb pages (the pool must have them)."""

    def __init__(self, size):
        self.fd = -1
        self.map = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | MAP_HUGETLB)
        self.addr = ctypes.addressof(ctypes.c_char.from_buffer(self.map))
        self.size = size


def vm_pinned_kib(pid="self"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmPin:"):
                return int(line.split()[1])
    return 0
