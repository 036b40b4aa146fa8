"""PinBench's kernel module (/dev/pinbench) driven from Python, for the lab suite.

The layout is the one Sources/CPinSys/uapi/pinbench_kmod.h asserts: the suite checks the
module's own answers, not pinbench's, so a fault in one cannot hide a fault in the other.
"""

import ctypes
import fcntl
import mmap
import os
import struct

API_VERSION = 3
MAX_WORKERS = 64
PIN_LONGTERM, PIN_WRITE, PIN_FAST, PIN_NUMA, PIN_MEMFD = 1, 2, 4, 8, 16
UNPIN_FOLIO = 1

WORKER = struct.Struct("<QQQQQii")                # 48 bytes
PIN_HEAD = struct.Struct("<IIQQQIIiIQQQQQ")       # 88 bytes
UNPIN_HEAD = struct.Struct("<IIIIQQQ")            # 40 bytes
STATUS = struct.Struct("<IIQQQQQQ")               # 56 bytes
PIN_SIZE = PIN_HEAD.size + WORKER.size * MAX_WORKERS
UNPIN_SIZE = UNPIN_HEAD.size + WORKER.size * MAX_WORKERS
assert (WORKER.size, PIN_HEAD.size, UNPIN_HEAD.size, STATUS.size) == (48, 88, 40, 56)


def _iowr(number, size):
    return (3 << 30) | (size << 16) | (ord("P") << 8) | number


IOCTL_STATUS = _iowr(0, STATUS.size)
IOCTL_PIN = _iowr(1, PIN_SIZE)
IOCTL_UNPIN = _iowr(2, UNPIN_SIZE)


def _workers(buffer, offset, count):
    keys = ("start_ns", "end_ns", "chunks", "pages", "folios", "cpu", "node")
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
        buffer = bytearray(STATUS.pack(STATUS.size, 0, 0, 0, 0, 0, 0, 0))
        fcntl.ioctl(self.fd, IOCTL_STATUS, buffer, True)
        keys = ("size", "version", "pages", "folios", "chunks", "files", "pinned_pages_all", "run_bytes")
        return dict(zip(keys, STATUS.unpack_from(buffer)))

    def pin(self, addr, length, chunk_bytes, workers=1, flags=PIN_LONGTERM | PIN_WRITE, gup_batch=0,
            memfd=-1, memfd_offset=0):
        buffer = bytearray(PIN_SIZE)
        PIN_HEAD.pack_into(buffer, 0, PIN_SIZE, flags, addr, length, chunk_bytes, workers, gup_batch,
                           memfd, 0, memfd_offset, 0, 0, 0, 0)
        fcntl.ioctl(self.fd, IOCTL_PIN, buffer, True)
        head = PIN_HEAD.unpack_from(buffer)
        return {"total_ns": head[10], "pages": head[11], "folios": head[12], "run_bytes": head[13],
                "workers": _workers(buffer, PIN_HEAD.size, workers)}

    def unpin(self, workers=1, folio=False):
        buffer = bytearray(UNPIN_SIZE)
        UNPIN_HEAD.pack_into(buffer, 0, UNPIN_SIZE, UNPIN_FOLIO if folio else 0, workers, 0, 0, 0, 0)
        fcntl.ioctl(self.fd, IOCTL_UNPIN, buffer, True)
        head = UNPIN_HEAD.unpack_from(buffer)
        return {"total_ns": head[4], "pages": head[5], "folios": head[6],
                "workers": _workers(buffer, UNPIN_HEAD.size, workers)}


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


def vm_pinned_kib(pid="self"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmPin:"):
                return int(line.split()[1])
    return 0
