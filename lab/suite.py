#!/usr/bin/env python3
"""The lab suite: PinBench's real paths, checked inside the lab guest.

Started by `scripts/lab.sh test` in a guest with an emulated Intel IOMMU, QEMU's edu device bound
to vfio-pci (LAB_VFIO_GROUP, LAB_VFIO_CDEV), a second group made non-viable on purpose
(LAB_NONVIABLE_GROUP), two edu devices behind PCIe expander bridges on nodes 0 and 1
(LAB_NODE_DEVICES), two NUMA nodes with CPUs and a third with memory only. Each check asserts what the run recorded (verified
records, VmLck/VmPin, errnos, where pages and workers landed), not only exit codes. Prints one
line per check and `N passed, N failed`; the tables it made are left in LAB_OUT.

Standard library only: it runs on the host's Python, seen through the guest's 9p root.
"""

import ctypes
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

PINBENCH = os.environ.get("PINBENCH", ".build/debug/pinbench")
OUT = os.environ["LAB_OUT"]
GROUP = os.environ.get("LAB_VFIO_GROUP", "")
CDEV = os.environ.get("LAB_VFIO_CDEV", "")
NONVIABLE = os.environ.get("LAB_NONVIABLE_GROUP", "")
ENTRY_LIMIT = int(os.environ.get("LAB_DMA_ENTRY_LIMIT", "64"))
LOGS = os.path.join(OUT, "logs")
HUGEPAGES = "/sys/kernel/mm/hugepages/hugepages-2048kB"
LOW_MEMLOCK = ["setpriv", "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock",
               "prlimit", "--memlock=1048576:1048576"]

os.makedirs(LOGS, exist_ok=True)


class CheckFailed(Exception):
    pass


class CheckSkipped(Exception):
    """A check that needs what this kernel lacks: said with the reason, never silent."""


def require(condition, reason):
    if not condition:
        raise CheckSkipped(reason)


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


# --- Running pinbench -------------------------------------------------------------------------

_log_index = [0]


def pinbench(*args, rc=0, prefix=(), timeout=600):
    """Runs pinbench; returns (stdout, stderr). `rc` is the exit status wanted (None: any)."""
    _log_index[0] += 1
    command = list(prefix) + [PINBENCH] + [str(a) for a in args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise CheckFailed(f"timed out after {timeout} s: {' '.join(command)}") from error
    name = os.path.join(LOGS, f"{_log_index[0]:02d}-{args[0]}.log")
    with open(name, "w") as log:
        log.write(f"$ {' '.join(command)}\n# exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")
    if rc is not None and done.returncode != rc:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-4:])
        raise CheckFailed(f"exit {done.returncode}, wanted {rc}: {' '.join(args[:6])}...: {tail}")
    return done.stdout, done.stderr, done.returncode


def records_of(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def save(name, text):
    with open(os.path.join(OUT, name), "w") as file:
        file.write(text if text.endswith("\n") else text + "\n")


def markdown_table(columns, rows):
    """A Markdown table of these column headings and already formatted `| ... |` rows."""
    return ("| " + " | ".join(columns) + " |\n" + "| --- " * len(columns) + "|\n" + "\n".join(rows))


def publish(name, title, text):
    """Saves a check's table in LAB_OUT/`name` and adds it to report.md under `title`."""
    save(name, text)
    REPORT.append(f"## {title}\n\n" + text.strip())


def table_of(stderr):
    """The report `run --json` prints on stderr: from its title to the end."""
    index = stderr.find("\npinbench run:")
    return stderr[index + 1:] if index >= 0 else stderr


def read_int(path):
    with open(path) as file:
        return int(file.read().strip())


def write(path, value):
    with open(path, "w") as file:
        file.write(f"{value}\n")


def node_pool(node):
    return f"/sys/devices/system/node/node{node}/hugepages/hugepages-2048kB/nr_hugepages"


class HugepagesReserved:
    """Reserves 2 MiB pages (on one node, or system-wide) and gives them back, also on failure."""

    def __init__(self, count, node=None):
        self.path = node_pool(node) if node is not None else f"{HUGEPAGES}/nr_hugepages"
        self.count = count

    def __enter__(self):
        self.before = read_int(self.path)
        write(self.path, self.before + self.count)
        got = read_int(self.path) - self.before
        expect(got == self.count, f"asked {self.path} for {self.count} pages, got {got}")
        return self

    def __exit__(self, *_):
        write(self.path, self.before)


def start_holder(*hold_arguments):
    """Starts `pinbench hold` with these arguments and returns it once it says its pin is done."""
    holder = subprocess.Popen([PINBENCH, "hold", *hold_arguments, "--seconds", "120", "--no-compare"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    seen = ""
    while time.time() < deadline:
        line = holder.stderr.readline()
        seen += line
        if line.startswith("pinned in") or not line:
            break
    if "pinned in" not in seen:
        holder.kill()
        holder.wait()
        raise CheckFailed(f"the holder never pinned: {seen[-300:]}")
    return holder


# --- Checks -----------------------------------------------------------------------------------

CHECKS = []
RESULTS = []
REPORT = []  # what the closing note needs, in LAB_OUT/report.md


def check(name):
    def register(function):
        CHECKS.append((name, function))
        return function
    return register


def mappers():
    return [("type1", f"type1:{GROUP}"), ("iommufd", f"iommufd:{CDEV}")]


@check("doctor: populate, mlock, shim, type1 and iommufd work; the lab is marked emulated")
def doctor():
    stdout, _, _ = pinbench("doctor")
    save("doctor.txt", stdout)
    REPORT.append("## doctor\n\n```\n" + stdout.strip() + "\n```")
    for subject in ["populate", "mlock", "vfio shim", "vfio type1", "vfio iommufd"]:
        expect(re.search(rf"^\s*\[ok\] {re.escape(subject)}", stdout, re.M), f"doctor: {subject} is not [ok]")
    expect("EMULATED (TCG" in stdout, "doctor's machine line does not say the lab is emulated")
    expect("free page reporting" not in stdout, "doctor speaks of free page reporting the guest does not have")


@check("topology: two nodes with CPUs and memory, and node 2 with memory and no CPUs; distances 10/20")
def topology():
    stdout, _, _ = pinbench("topology", "--json")
    report = json.loads(stdout)
    save("topology.json", stdout)
    text, _, _ = pinbench("topology")
    save("topology.txt", text)
    nodes = report.get("nodes") or report.get("machine", {}).get("nodes")
    expect(nodes is not None and len(nodes) == 3, f"expected 3 nodes, got {nodes and len(nodes)}")
    for node in nodes[:2]:
        expect(node.get("cpus"), f"node {node.get('id')} has no CPUs")
    expect(not nodes[2].get("cpus"), f"node 2 has CPUs: {nodes[2].get('cpus')}")
    expect(all(node.get("memTotalBytes", 0) > 0 for node in nodes), "a node without memory")
    distances = [node.get("distances") for node in nodes]
    expect(distances == [[10, 20, 20], [20, 10, 20], [20, 20, 10]], f"distances {distances}")
    expect("node 1" in text or "| 1 " in text, "the topology table does not show node 1")


def vfio_run(label, path, memory):
    stdout, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", path, "--memory", memory, "--size", "32M",
                                 "--strategy", "single,user", "--threads", "2", "--reps", "2", "--warmup", "1", "--json")
    records = records_of(stdout)
    expect(len(records) == 4, f"{len(records)} records, wanted 4 (2 strategies x 2 reps)")
    counter = "VmLck" if label == "type1" else "VmPin"
    for record in records:
        expect(record["verified"], f"{record['strategy']} rep {record['rep']} did not verify: "
               f"{record['pinnedCheck']}; {record['unpinnedCheck']}; {record.get('error')}")
        expect(f"{counter} +32M (expected +32M)" in record["pinnedCheck"],
               f"pin check does not show {counter} +32M: {record['pinnedCheck']}")
        expect(f"{counter} +0" in record["unpinnedCheck"], f"{counter} did not go back: {record['unpinnedCheck']}")
    table = table_of(stderr)
    expect("EMULATED (TCG" in table, "the table does not carry the lab's mark")
    publish(f"run-{label}-{memory}.md", f"run, {label}, {memory}", table)


for _label, _memory in [(m, k) for m in ("type1", "iommufd") for k in ("anon", "thp", "hugetlb-2m")]:
    def _make(label=_label, memory=_memory):
        def run_check():
            path = dict(mappers())[label]
            if memory == "hugetlb-2m":
                # 32M at a time, single and user, plus the shim's own margin.
                with HugepagesReserved(20):
                    vfio_run(label, path, memory)
            else:
                vfio_run(label, path, memory)
        return run_check
    check(f"run --backend vfio --vfio {_label} on {_memory}: single and user verified, counters back")(_make())


for _label in ("type1", "iommufd"):
    def _make_sweep(label=_label):
        def sweep_check():
            path = dict(mappers())[label]
            directory = os.path.join(OUT, f"sweep-{label}")
            pinbench("sweep", "--backends", "vfio", "--vfio", path, "--memory", "anon,thp", "--sizes", "16M",
                     "--threads", "1,2", "--strategies", "single,user", "--reps", "2", "--warmup", "1",
                     "--output", directory)
            with open(os.path.join(directory, "runs.jsonl")) as file:
                runs = [json.loads(line) for line in file if line.strip()]
            measured = [run for run in runs if not run.get("warmup")]
            expect(measured, "the set holds no measured runs")
            failed = [run for run in runs if not run["verified"]]
            expect(not failed, f"{len(failed)} runs did not verify, e.g. {failed[:1]}")
            expect(all(path.split(":")[0] in (run.get("vfio") or "") for run in runs), "runs do not name the mapper")
            # Every cell ran: one container for the whole sweep, not one per cell (a second
            # would find the group busy and the cell skipped).
            skipped_path = os.path.join(directory, "skipped.jsonl")
            skipped = open(skipped_path).read().strip() if os.path.exists(skipped_path) else ""
            expect(not skipped, f"cells were skipped: {skipped[:300]}")
            cells = {run.get("cell") for run in measured}
            # single at 1 thread, user at 1 and 2, on each of anon and thp.
            expect(len(cells) == 6, f"{len(cells)} of 6 cells measured: {sorted(c for c in cells if c)}")
            with open(os.path.join(directory, "machine.json")) as file:
                machine = json.load(file)
            expect(machine.get("emulation") == "tcg", f"machine.json emulation is {machine.get('emulation')!r}")
            # The kernel it ran on, by its release: for a tree (--kernel DIR) that carries the
            # commit and whether it was dirty.
            release = os.uname().release
            expect(machine.get("kernelRelease") == release,
                   f"machine.json names kernel {machine.get('kernelRelease')!r}, the guest runs {release}")
            with open(os.path.join(directory, "summary.md")) as file:
                summary = file.read()
            expect("EMULATED (TCG" in summary, "summary.md does not carry the lab's mark")
            expect(release in summary, f"summary.md does not name the kernel {release}")
        return sweep_check
    check(f"sweep --backends vfio --vfio {_label}: a verified result set marked emulated, naming its kernel")(_make_sweep())


@check("vfio-rules: the shim answers as real type1 does, rule by rule (errnos side by side)")
def rules():
    paths = ["--vfio", f"type1:{GROUP}", "--vfio", "shim", "--vfio", f"iommufd:{CDEV}"]
    # --json: the outcomes on stdout, the table on stderr.
    main, table, _ = pinbench("vfio-rules", *paths, "--json", "--rule", "overlap", "--rule", "partial-unmap",
                              "--rule", "unmap-nothing", "--rule", "entry-limit")
    # The memlock rule needs a process without CAP_IPC_LOCK under a small RLIMIT_MEMLOCK.
    low, low_table, _ = pinbench("vfio-rules", *paths, "--json", "--rule", "memlock", prefix=LOW_MEMLOCK)
    outcomes = json.loads(main) + json.loads(low)
    save("vfio-rules.md", table + "\n" + low_table)
    REPORT.append("## vfio-rules (shim against real type1 and iommufd)\n\n" + table.strip() + "\n\n" + low_table.strip())
    by = {(o["mapper"].split(":")[0], o["rule"]): o for o in outcomes}
    expected = {"overlap": 17, "partial-unmap": 22, "unmap-nothing": 0, "entry-limit": 28, "memlock": 12}
    for rule, errno in expected.items():
        real = by.get(("type1", rule))
        shim = by.get(("shim", rule))
        expect(real is not None and shim is not None, f"{rule}: no outcome")
        expect(real.get("errno") == errno, f"{rule}: real type1 gave {real.get('errno')} ({real.get('detail')}), "
               f"the kernel source says {errno}")
        expect(shim.get("errno") == real.get("errno") or shim.get("documentedDifference"),
               f"{rule}: shim gave {shim.get('errno')}, type1 {real.get('errno')}, and no documented difference")
    expect(by[("type1", "entry-limit")]["detail"].startswith(f"{ENTRY_LIMIT} mappings"),
           "type1's entry limit is not the one the guest was booted with")


def pin_medians(records):
    by = {}
    for record in records:
        by.setdefault(record["strategy"], []).append(record["pinSeconds"])
    return {strategy: statistics.median(values) for strategy, values in by.items()}


@check("lock models: real type1 and iommufd serialize concurrent map calls exactly where the shim's models say")
def lock_models():
    probe, table, _ = pinbench("vfio-rules", "--rule", "container-lock", "--vfio", f"type1:{GROUP}", "--vfio", "shim:type1",
                               "--vfio", f"iommufd:{CDEV}", "--vfio", "shim:iommufd", "--json", rc=None)
    # Keyed type1, iommufd (the real ones, whatever their device) and shim:type1, shim:iommufd.
    behaviour = {(o["mapper"] if o["mapper"].startswith("shim") else o["mapper"].split(":")[0]):
                 (o.get("behaviour"), o["detail"], o.get("failure")) for o in json.loads(probe)}
    # The speedups of user over single, for the record: under TCG they show emulation, not locks.
    rows = []
    variants = [("real type1", ["--vfio", f"type1:{GROUP}"]), ("shim, --container-lock type1", ["--container-lock", "type1"]),
                ("real iommufd", ["--vfio", f"iommufd:{CDEV}"]), ("shim, --container-lock iommufd", ["--container-lock", "iommufd"])]
    for name, options in variants:
        stdout, stderr, _ = pinbench("run", "--backend", "vfio", *options, "--memory", "anon", "--size", "64M",
                                     "--strategy", "single,user", "--threads", "2", "--reps", "5", "--warmup", "1", "--json")
        records = records_of(stdout)
        expect(records and all(r["verified"] for r in records), f"{name}: runs did not verify")
        medians = pin_medians(records)
        user = [r for r in records if r["strategy"] == "user"]
        busy = statistics.median([sum(t["pinBusySeconds"] for t in r["perThread"]) for r in user])
        rows.append(f"| {name} | {medians['single'] * 1e3:.1f} ms | {medians['user'] * 1e3:.1f} ms | "
                    f"{medians['single'] / medians['user']:.2f}x | {busy * 1e3:.1f} ms | {busy / medians['user']:.2f} |")
    speedups = markdown_table(["mapper", "single pin (median)", "user pin, 2 threads", "speedup", "user: busy summed",
                               "busy / wall"], rows)
    save("lock-models.md", table + "\n\n" + speedups)
    REPORT.append("## lock models: the container-lock probe\n\n" + table.strip()
                  + "\n\n## lock models: speedups (64M anon, unpopulated, 5 reps, TCG)\n\n" + speedups)
    for name in ("type1", "iommufd", "shim:type1", "shim:iommufd"):
        expect(behaviour.get(name, (None,))[0] in ("serializes", "concurrent"), f"{name}: no clear answer: {behaviour.get(name)}")
    expect(behaviour["type1"][0] == "serializes", f"real type1 does not serialize: {behaviour['type1']}")
    expect(behaviour["type1"][0] == behaviour["shim:type1"][0], f"type1: real {behaviour['type1']}, model {behaviour['shim:type1']}")
    expect(behaviour["iommufd"][0] == behaviour["shim:iommufd"][0],
           f"iommufd: real {behaviour['iommufd']}, model {behaviour['shim:iommufd']}")


@check("undo: a user job on real type1 that runs past dma_entry_limit unmaps what it mapped; the next repetition fails the same way, not with EEXIST")
def undo_type1():
    threads = ENTRY_LIMIT + 36
    stdout, stderr, rc = pinbench("run", "--backend", "vfio", "--vfio", f"type1:{GROUP}", "--memory", "anon",
                                  "--size", f"{threads * 64}K", "--strategy", "user", "--threads", threads,
                                  "--reps", "3", "--warmup", "0", "--json", rc=None)
    records = records_of(stdout)
    expect(rc == 3 and len(records) == 3, f"exit {rc}, {len(records)} records: {stderr[-300:]}")
    lines = []
    for index, record in enumerate(records):
        error = record.get("error") or ""
        undo = record.get("undo") or {}
        metrics = (record.get("backendMetrics") or {}).get("values", {})
        lines.append(f"| {index + 1} | {error[:60]} | {undo.get('chunks')} | {metrics.get('mapCalls')} | {metrics.get('unmapCalls')} |")
        expect("EEXIST" not in error and "File exists" not in error,
               f"repetition {index + 1} found the previous one's mappings: {error}")
        expect("ENOSPC" in error or "No space left" in error, f"repetition {index + 1}: not the entry limit: {error}")
        expect(1 <= undo.get("chunks", 0) <= ENTRY_LIMIT and undo.get("error") is None,
               f"repetition {index + 1}: undo {undo}")
        expect(metrics.get("unmapCalls") == undo.get("chunks"),
               f"repetition {index + 1}: {metrics.get('unmapCalls')} unmap calls for {undo.get('chunks')} chunks undone")
        expect("region clean" in record.get("unpinnedCheck", ""), f"repetition {index + 1}: {record.get('unpinnedCheck')}")
    REPORT.append(f"## undo on real type1 past dma_entry_limit={ENTRY_LIMIT} ({threads} user slices)\n\n"
                  + markdown_table(["rep", "error", "chunks undone", "map calls", "unmap calls"], lines))


def numa_record(*options, strategy="single", threads=1, memory="anon"):
    stdout, stderr, _ = pinbench("run", "--backend", "populate", "--memory", memory, "--size", "32M", "--strategy", strategy,
                                 "--threads", threads, "--reps", "1", "--warmup", "0", "--json", *options)
    records = records_of(stdout)
    expect(len(records) == 1 and records[0]["verified"], f"run {' '.join(options)} did not verify")
    return records[0], table_of(stderr)


@check("--node 1: every sampled page on node 1, and the policy reads back")
def node_one():
    record, table = numa_record("--node", "1")
    numa = record["numa"]
    pages = numa["pageNodes"]["pagesByNode"]
    expect(numa["shareOnIntended"] == 1 and set(pages) == {"1"}, f"pages by node {pages}")
    expect("MPOL_BIND node 1" in numa["placementApplied"], f"policy read back as {numa['placementApplied']}")
    save("numa-node1.md", table)
    REPORT.append(f"## --node 1\n\npages by node {pages}, policy `{numa['placementApplied']}`")


@check("--node interleave: pages split over all three nodes, the CPU-less one included")
def interleave():
    record, _ = numa_record("--node", "interleave")
    pages = record["numa"]["pageNodes"]["pagesByNode"]
    total = sum(pages.values())
    expect(set(pages) == {"0", "1", "2"} and all(count >= total * 0.25 for count in pages.values()), f"pages by node {pages}")
    REPORT.append(f"## --node interleave\n\npages by node {pages}")


@check("--bind local, remote, roundrobin: each worker ran on the CPUs it names")
def bind():
    cpus_of = {}
    stdout, _, _ = pinbench("topology", "--json")
    for node in json.loads(stdout)["nodes"]:
        cpus_of[node["id"]] = set(node["cpus"])
    lines = []
    for policy in ("local", "remote", "roundrobin"):
        record, table = numa_record("--node", "0", "--bind", policy, strategy="user", threads=2)
        numa = record["numa"]
        expect(numa["bindApplied"] == "bound", f"--bind {policy}: {numa['bindApplied']}")
        nodes = []
        for worker in numa["workers"]:
            expect(worker["cpu"] in cpus_of[worker["boundNode"]],
                   f"--bind {policy}: worker {worker['index']} ran on CPU {worker['cpu']}, bound to node {worker['boundNode']}")
            nodes.append(worker["boundNode"])
        wanted = {"local": [0, 0], "remote": [1, 1], "roundrobin": [0, 1]}[policy]
        expect(sorted(nodes) == wanted, f"--bind {policy}: workers on nodes {nodes}, wanted {wanted}")
        pages = numa["pageNodes"]["pagesByNode"]
        expect(set(pages) == {"0"}, f"--bind {policy}: memory left node 0: {pages}")
        lines.append(f"| {policy} | {', '.join(str(w['cpu']) for w in numa['workers'])} | "
                     f"{', '.join(str(n) for n in nodes)} | {pages} |")
        if policy == "remote":
            save("numa-bind-remote.md", table)
    publish("numa-bind.md", "--bind with --node 0, user, 2 threads",
            markdown_table(["--bind", "worker CPUs (sched_getcpu)", "worker nodes", "pages by node"], lines))


@check("hugetlb-2m on node 1: scripts/reserve-hugepages.sh --node 1 reserves there, pages land there, --release gives them back")
def hugetlb_node():
    before = [read_int(node_pool(node)) for node in (0, 1)]
    script = os.path.join(os.environ.get("LAB_ROOT", "."), "scripts", "reserve-hugepages.sh")
    done = subprocess.run(["bash", script, "--node", "1", "2M", "16"], capture_output=True, text=True)
    expect(done.returncode == 0, f"reserve-hugepages.sh --node 1 2M 16: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    try:
        reserved = [read_int(node_pool(node)) for node in (0, 1)]
        expect(reserved[0] == before[0] and reserved[1] >= before[1] + 16, f"pools per node {before} -> {reserved}")
        record, _ = numa_record("--node", "1", memory="hugetlb-2m")
        pages = record["numa"]["pageNodes"]["pagesByNode"]
        expect(set(pages) == {"1"}, f"hugetlb pages by node {pages}")
    finally:
        released = subprocess.run(["bash", script, "--release", "--node", "1", "2M"], capture_output=True, text=True)
    expect(released.returncode == 0, f"--release: exit {released.returncode}: {released.stderr.strip()[-300:]}")
    after = [read_int(node_pool(node)) for node in (0, 1)]
    expect(after == before, f"pools per node were {before}, are {after} after --release")
    REPORT.append(f"## hugetlb-2m on node 1\n\npools per node {before} -> {reserved} -> {after}; pages by node {pages}")


@check("hold with numa_balancing 1: both rows, and the unpinned region migrates")
def hold():
    write("/proc/sys/kernel/numa_balancing", 1)
    try:
        # The main thread populates on CPU 0 (node 0); the toucher works from node 1's CPUs.
        stdout, stderr, _ = pinbench("hold", "--backend", "vfio", "--vfio", f"type1:{GROUP}", "--memory", "anon",
                                     "--size", "64M", "--seconds", "8", "--toucher-cpus", "1", "--json",
                                     prefix=["taskset", "-c", "0"])
    finally:
        write("/proc/sys/kernel/numa_balancing", 0)
    result = json.loads(stdout)
    phases = {phase["kind"]: phase for phase in result["phases"]}
    expect(set(phases) == {"pinned", "unpinned"}, f"phases {list(phases)}")
    migrated = {kind: phase["numa"].get("numa_pages_migrated", 0) for kind, phase in phases.items()}
    expect(migrated["unpinned"] > 0, f"the unpinned region did not migrate: {migrated}")
    expect(migrated["unpinned"] > migrated["pinned"], f"pinned migrated as much as unpinned: {migrated}")
    index = stderr.find("\npinbench hold:")
    save("hold.md", stderr[index + 1:])
    REPORT.append("## hold, numa_balancing 1, type1, 64M anon, toucher on node 1\n\n" + stderr[index + 1:].strip())


# --- Memory on the CPU-less node, and helpers beside the device ------------------------------

CPULESS = 2
EXPANDER_EDUS = [dict(zip(("bdf", "node", "group", "cdev"), word.split(",")))
                for word in os.environ.get("LAB_NODE_DEVICES", "").split()]


def cpus_by_node():
    stdout, _, _ = pinbench("topology", "--json")
    return {node["id"]: set(node["cpus"]) for node in json.loads(stdout)["nodes"]}


def check_workers(numa, cpus, wanted, label):
    """Every worker ran on a CPU of the node it was bound to, and the bound nodes are `wanted`."""
    nodes = []
    for worker in numa["workers"]:
        expect(worker["cpu"] in cpus.get(worker["boundNode"], set()),
               f"{label}: worker {worker['index']} ran on CPU {worker['cpu']}, bound to node {worker['boundNode']}")
        nodes.append(worker["boundNode"])
    expect(sorted(nodes) == sorted(wanted), f"{label}: workers bound to nodes {nodes}, wanted {wanted}")
    return nodes


def on_node(record, node, label):
    """Every sampled page of the record is on `node` (move_pages), and the run says so."""
    numa = record["numa"]
    pages = numa["pageNodes"]["pagesByNode"]
    expect(set(pages) == {str(node)} and numa["shareOnIntended"] == 1 and not numa["misplaced"],
           f"{label}: pages by node {pages}, share on intended {numa['shareOnIntended']}")
    return pages


@check("CPU-less node 2: --node 2 places every page there; local runs on node 0 and says the tie, remote on node 1, "
       "roundrobin over 0 and 1, none unbound")
def cpuless_bind():
    cpus = cpus_by_node()
    expect(not cpus[CPULESS], f"node {CPULESS} has CPUs {cpus[CPULESS]}")
    lines = []
    for policy, wanted in (("local", [0, 0]), ("remote", [1, 1]), ("roundrobin", [0, 1]), ("none", None)):
        record, table = numa_record("--node", str(CPULESS), "--bind", policy, strategy="user", threads=2)
        numa = record["numa"]
        pages = on_node(record, CPULESS, f"--bind {policy}")
        reason = numa.get("bindReason") or ""
        if wanted is None:
            expect(numa["bindApplied"] == "none" and all(w.get("boundNode") is None for w in numa["workers"]),
                   f"--bind none bound {numa['workers']}")
            nodes = [w.get("node") for w in numa["workers"]]
        else:
            expect(numa["bindApplied"] == "bound", f"--bind {policy}: {numa['bindApplied']}")
            nodes = check_workers(numa, cpus, wanted, f"--bind {policy}")
        if policy in ("local", "remote"):
            expect("node 2 has no CPUs: node 0 is the nearest with CPUs (distance 20; a tie with node 1, the lower id taken)"
                   in reason, f"--bind {policy}: the reason does not say the tie: {reason!r}")
            expect(reason in table, f"--bind {policy}: the NUMA table does not say why: {table[-600:]}")
        lines.append(f"| {policy} | {', '.join(str(w['cpu']) for w in numa['workers'])} | "
                     f"{', '.join(str(n) for n in nodes)} | {pages} | {reason or '-'} |")
        if policy == "local":
            save("numa-cpuless-local.md", table)
    publish("numa-cpuless.md", "--bind with --node 2 (memory, no CPUs), user, 2 threads",
            markdown_table(["--bind", "worker CPUs", "worker nodes", "pages by node", "why"], lines))


@check("CPU-less node 2: type1 pins and maps anon and THP there, verified, with helpers on node 0")
def cpuless_type1():
    require(GROUP, "no VFIO group (LAB_VFIO_GROUP)")
    cpus = cpus_by_node()
    lines = []
    for memory in ("anon", "thp"):
        stdout, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"type1:{GROUP}", "--memory", memory,
                                     "--size", "64M", "--strategy", "user", "--threads", 2, "--node", CPULESS,
                                     "--bind", "local", "--reps", 1, "--warmup", 0, "--json")
        records = records_of(stdout)
        expect(len(records) == 1 and records[0]["verified"], f"type1 {memory} on node 2 did not verify: {stderr[-400:]}")
        record = records[0]
        pages = on_node(record, CPULESS, f"type1 {memory}")
        check_workers(record["numa"], cpus, [0, 0], f"type1 {memory}")
        lines.append(f"| type1 | {memory} | {record['pinnedCheck'][:90]} | {pages} |")
    publish("numa-cpuless-type1.md", "type1 on node 2's memory, 64M, user 2 threads, --bind local",
            markdown_table(["mapper", "memory", "pinned check", "pages by node"], lines))


@check("kmod: memory on the CPU-less node 2 pins verified with every strategy, helpers on node 0")
def cpuless_kmod():
    load_module()
    cpus = cpus_by_node()
    stdout, stderr, _ = pinbench("run", "--backend", "kmod", "--strategy", "all", "--memory", "thp", "--size", "64M",
                                 "--threads", 2, "--min-chunk", "4M", "--node", CPULESS, "--bind", "local",
                                 "--reps", 1, "--warmup", 0, "--json")
    records = records_of(stdout)
    expect(len(records) == 3 and all(r["verified"] for r in records),
           f"kmod on node 2: {[(r['strategy'], r['pinnedCheck']) for r in records]} {stderr[-300:]}")
    lines = []
    for record in records:
        pages = on_node(record, CPULESS, f"kmod {record['strategy']}")
        # The module's kernel strategy runs its helpers on a workqueue: only the caller is bound here.
        bound = [w["boundNode"] for w in record["numa"]["workers"]]
        expect(set(bound) == {0}, f"kmod {record['strategy']}: workers bound to {bound}")
        lines.append(f"| {record['strategy']} | {record['pinnedCheck'][:80]} | {pages} |")
    publish("numa-cpuless-kmod.md", "the module on node 2's memory, 64M THP, --bind local",
            markdown_table(["strategy", "pinned check", "pages by node"], lines))


@check("hold on the CPU-less node 2: type1-pinned and unpinned regions stay there under numa_balancing 1")
def cpuless_hold():
    require(GROUP, "no VFIO group (LAB_VFIO_GROUP)")
    write("/proc/sys/kernel/numa_balancing", 1)
    try:
        stdout, stderr, _ = pinbench("hold", "--backend", "vfio", "--vfio", f"type1:{GROUP}", "--memory", "anon",
                                     "--size", "64M", "--seconds", "6", "--toucher-cpus", "1", "--node", CPULESS, "--json",
                                     prefix=["taskset", "-c", "0"])
    finally:
        write("/proc/sys/kernel/numa_balancing", 0)
    result = json.loads(stdout)
    expect(result.get("placement") == f"mbind MPOL_BIND node {CPULESS}", f"placement {result.get('placement')}")
    phases = {phase["kind"]: phase for phase in result["phases"]}
    expect(set(phases) == {"pinned", "unpinned"}, f"phases {list(phases)}")
    for kind, phase in phases.items():
        sample = phase.get("pageNodes") or {}
        pages = sample.get("pagesByNode", {})
        expect(set(pages) == {str(CPULESS)}, f"{kind}: pages by node at the end {pages}")
    index = stderr.find("\npinbench hold:")
    publish("hold-cpuless.md", "hold, numa_balancing 1, type1, 64M anon bound to node 2, toucher on node 1",
            stderr[index + 1:])


@check("--bind device follows each device: helpers and memory on the node of the edu behind each expander bridge; "
       "a device on the root bus is refused")
def device_policy():
    require(len(EXPANDER_EDUS) >= 2, f"the guest has {len(EXPANDER_EDUS)} edu devices on nodes (LAB_NODE_DEVICES)")
    cpus = cpus_by_node()
    lines = []
    for device in EXPANDER_EDUS:
        node = int(device["node"])
        for path in (f"type1:{device['group']}", f"iommufd:{device['cdev']}"):
            stdout, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", path, "--memory", "anon", "--size", "32M",
                                         "--strategy", "user", "--threads", 2, "--bind", "device", "--node", "device",
                                         "--reps", 1, "--warmup", 0, "--json")
            records = records_of(stdout)
            expect(len(records) == 1 and records[0]["verified"], f"{path}: did not verify: {stderr[-300:]}")
            numa = records[0]["numa"]
            check_workers(numa, cpus, [node, node], path)
            pages = on_node(records[0], node, path)
            expect(numa.get("bindReason") == f"beside {device['bdf']} (node {node})", f"{path}: reason {numa.get('bindReason')}")
            expect(f"the node of {device['bdf']}" in numa["placementApplied"], f"{path}: {numa['placementApplied']}")
            lines.append(f"| {device['bdf']} | {path} | {node} | {', '.join(str(w['cpu']) for w in numa['workers'])} | {pages} |")
    # Both devices on one IOAS, a domain each: worker i beside the i-th device's node.
    both = ",".join(device["cdev"] for device in EXPANDER_EDUS[:2])
    stdout, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"iommufd:{both}", "--iommufd-domains", "per-device",
                                 "--memory", "anon", "--size", "32M", "--strategy", "user", "--threads", 2,
                                 "--bind", "device", "--node", "0", "--reps", 1, "--warmup", 0, "--json")
    records = records_of(stdout)
    expect(len(records) == 1 and records[0]["verified"], f"iommufd:{both} per-device: did not verify: {stderr[-300:]}")
    nodes = check_workers(records[0]["numa"], cpus, [int(d["node"]) for d in EXPANDER_EDUS[:2]], f"iommufd:{both}")
    lines.append(f"| both | iommufd:{both} per-device | {', '.join(d['node'] for d in EXPANDER_EDUS[:2])} | "
                 f"{', '.join(str(w['cpu']) for w in records[0]['numa']['workers'])} | {on_node(records[0], 0, 'both')} |")
    require(GROUP, "no root-bus VFIO group (LAB_VFIO_GROUP)")
    _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"type1:{GROUP}", "--size", "4M", "--reps", 1,
                            "--strategy", "single", "--bind", "device", rc=2)
    expect("reports no NUMA node" in stderr and len(stderr.strip().splitlines()) == 1, f"root-bus device: {stderr.strip()}")
    publish("numa-device.md", "--bind device --node device, user 2 threads, 32M anon",
            markdown_table(["device", "--vfio", "its node", "worker CPUs", "pages by node"], lines)
            + f"\n\nThe root-bus edu: `{stderr.strip()}`")


@check("bad input: a VFIO group that does not exist is refused with exit 2")
def missing_group():
    _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", "type1:999", "--size", "4M", "--reps", "1",
                            "--warmup", "0", "--strategy", "single", rc=2)
    expect("no VFIO group at /dev/vfio/999" in stderr, f"message: {stderr.strip()[-300:]}")


@check("bad input: a group whose other device is bound to another driver is refused (not viable), exit 2")
def nonviable_group():
    expect(NONVIABLE, "the guest has no second, non-viable group (see lab/guest.sh)")
    _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"type1:{NONVIABLE}", "--size", "4M", "--reps", "1",
                            "--warmup", "0", "--strategy", "single", rc=2)
    expect("not viable" in stderr, f"message: {stderr.strip()[-300:]}")


@check("bad input: a second container (type1, or iommufd on the same device) on a group in use is refused with exit 2")
def second_container():
    # The holder has its container once it says its pin is done.
    holder = start_holder("--backend", "vfio", "--vfio", f"type1:{GROUP}", "--memory", "anon", "--size", "4M")
    try:
        _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"type1:{GROUP}", "--size", "4M", "--reps", "1",
                                "--warmup", "0", "--strategy", "single", rc=2)
        expect("in use by another process" in stderr, f"message: {stderr.strip()[-300:]}")
        _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"iommufd:{CDEV}", "--size", "4M", "--reps", "1",
                                "--warmup", "0", "--strategy", "single", rc=2)
        save("second-container.txt", stderr)
        expect("the device is bound already" in stderr, f"iommufd on a group type1 holds: {stderr.strip()[-300:]}")
    finally:
        holder.send_signal(signal.SIGINT)
        try:
            holder.wait(timeout=60)
        except subprocess.TimeoutExpired:
            holder.kill()
    expect(holder.returncode == 130, f"the holder ended with {holder.returncode}, not 130 (Ctrl-C)")


# --- iommufd file map (MAP_FILE) ---------------------------------------------------------------
# `--vfio iommufd-file:<cdev>` maps the region's memfd or hugetlbfs file with IOMMU_IOAS_MAP_FILE
# (Linux 6.13, memfd_pin_folios: no page-table walk). On a kernel with it: verified rows for
# memfd and hugetlbfs-2m beside IOMMU_IOAS_MAP of the same memory, a sweep of each and their
# comparison, a hold, and vfio-rules through the file map; on an older one, the refusal naming
# the version.

MAP_FILE_KERNEL = (6, 13)


def kernel_version():
    """(major, minor) of the running kernel, from its release (`7.2.13-1-...`)."""
    match = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def has_map_file():
    return kernel_version() >= MAP_FILE_KERNEL


def require_map_file():
    require(has_map_file(), "IOMMU_IOAS_MAP_FILE came in Linux 6.13 (the 6.12 refusal is checked instead)")


def map_file_run(path, memory, label):
    """`run` of single and user (2 threads) on 32M of `memory` through `path`; the records, checked."""
    stdout, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", path, "--memory", memory, "--size", "32M",
                                 "--strategy", "single,user", "--threads", "2", "--reps", "3", "--warmup", "1", "--json")
    records = records_of(stdout)
    expect(len(records) == 6, f"{label} {memory}: {len(records)} records, wanted 6 (2 strategies x 3 reps)")
    file_map = path.startswith("iommufd-file:")
    for record in records:
        expect(record["verified"], f"{label} {memory} {record['strategy']} rep {record['rep']} did not verify: "
               f"{record['pinnedCheck']}; {record['unpinnedCheck']}; {record.get('error')}")
        expect("VmPin +32M (expected +32M)" in record["pinnedCheck"], f"{label} {memory}: {record['pinnedCheck']}")
        expect("VmPin +0" in record["unpinnedCheck"], f"{label} {memory}: VmPin did not go back: {record['unpinnedCheck']}")
        mapper = ((record.get("backendMetrics") or {}).get("notes") or {}).get("mapper", "")
        expect(record.get("vfio") == path, f"{label} {memory}: the record names {record.get('vfio')!r}, not {path}")
        expect(("IOMMU_IOAS_MAP_FILE" in mapper) == file_map, f"{label} {memory}: mapper {mapper!r}")
        if file_map:
            expect("allocated in the file (st_blocks)" in record["pinnedCheck"],
                   f"{label} {memory}: residency not checked by the file: {record['pinnedCheck']}")
    table = table_of(stderr)
    expect(("IOMMU_IOAS_MAP_FILE" in table) == file_map, f"{label} {memory}: the table does not name the call")
    return records, table


@check("iommufd file map: run --vfio iommufd-file on memfd and hugetlbfs-2m (single, user) verified, VmPin back, beside IOMMU_IOAS_MAP")
def map_file_runs():
    require_map_file()
    rows = []
    tables = []
    for memory in ("memfd", "hugetlbfs-2m"):
        medians = {}
        for label, path in (("IOAS_MAP", f"iommufd:{CDEV}"), ("MAP_FILE", f"iommufd-file:{CDEV}")):
            if memory == "hugetlbfs-2m":
                with HugepagesReserved(20):
                    records, table = map_file_run(path, memory, label)
            else:
                records, table = map_file_run(path, memory, label)
            measured = [r for r in records if not r.get("warmup")]
            for strategy in ("single", "user"):
                mine = [r for r in measured if r["strategy"] == strategy]
                medians[(label, strategy)] = (statistics.median(r["pinSeconds"] for r in mine),
                                              statistics.median(r["unpinSeconds"] for r in mine))
            tables.append(f"### {label}, {memory}\n\n" + table.strip())
        for strategy in ("single", "user"):
            (map_pin, map_unpin), (file_pin, file_unpin) = medians[("IOAS_MAP", strategy)], medians[("MAP_FILE", strategy)]
            rows.append(f"| {memory} | {strategy} | {map_pin * 1e3:.1f} ms | {file_pin * 1e3:.1f} ms | {file_pin / map_pin:.2f} | "
                        f"{map_unpin * 1e3:.1f} ms | {file_unpin * 1e3:.1f} ms | {file_unpin / map_unpin:.2f} |")
    summary = markdown_table(["memory", "strategy", "pin IOAS_MAP", "pin MAP_FILE", "MAP_FILE / MAP", "unpin IOAS_MAP",
                              "unpin MAP_FILE", "MAP_FILE / MAP"], rows)
    publish("map-file-runs.md", f"iommufd file map beside IOMMU_IOAS_MAP, 32M, 2 threads for user, medians of 3 "
            f"(TCG: ratios only), {os.uname().release}", summary + "\n\n" + "\n\n".join(tables))


@check("iommufd file map: a sweep through MAP_FILE and one through IOAS_MAP of the same memory, compared")
def map_file_sweep():
    require_map_file()
    directories = {}
    with HugepagesReserved(12):
        for label, path in (("map", f"iommufd:{CDEV}"), ("map-file", f"iommufd-file:{CDEV}")):
            directory = os.path.join(OUT, f"sweep-iommufd-{label}")
            pinbench("sweep", "--backends", "vfio", "--vfio", path, "--memory", "memfd,hugetlbfs-2m", "--sizes", "16M",
                     "--threads", "1,2", "--strategies", "single,user", "--reps", "3", "--warmup", "1", "--output", directory)
            with open(os.path.join(directory, "runs.jsonl")) as file:
                runs = [json.loads(line) for line in file if line.strip()]
            measured = [run for run in runs if not run.get("warmup")]
            expect(measured and all(run["verified"] for run in runs), f"{label}: runs did not verify or none measured")
            expect(all((run.get("vfio") or "").startswith(path.split(":")[0] + ":") for run in runs),
                   f"{label}: runs do not name {path.split(':')[0]}")
            cells = {run.get("cell") for run in measured}
            expect(len(cells) == 6, f"{label}: {len(cells)} of 6 cells measured")
            with open(os.path.join(directory, "summary.md")) as file:
                summary = file.read()
            expect(f"Options: vfio ({path.split(':')[0]}:" in summary, f"{label}: summary.md does not name the mapper")
            directories[label] = directory
    comparison, _, _ = pinbench("report", "--compare", directories["map"], directories["map-file"], "--format", "markdown")
    expect("memfd" in comparison and "hugetlbfs-2m" in comparison, "the comparison lacks a memory kind")
    expect(f"options: vfio (iommufd-file:{CDEV})" in comparison and f"options: vfio (iommufd:{CDEV})" in comparison,
           "the comparison's header does not name each side's mapper")
    publish("map-file-compare.md", f"iommufd: IOAS_MAP (base) against MAP_FILE (new), 16M (TCG: ratios only), "
            f"{os.uname().release}", comparison)


@check("iommufd file map: hold pins a memfd through MAP_FILE, verified, then the unpinned one")
def map_file_hold():
    require_map_file()
    stdout, _, _ = pinbench("hold", "--backend", "vfio", "--vfio", f"iommufd-file:{CDEV}", "--memory", "memfd",
                            "--size", "16M", "--seconds", "2", "--json")
    result = json.loads(stdout)
    expect("iommufd-file:" in result["backendDescription"], f"hold names {result['backendDescription']!r}")
    expect(result["pinnedCheck"]["passed"] and result["unpinnedCheck"]["passed"],
           f"pinned {result['pinnedCheck']}, unpinned {result['unpinnedCheck']}")
    expect({phase["kind"] for phase in result["phases"]} == {"pinned", "unpinned"}, f"phases {result['phases']}")


@check("iommufd file map: vfio-rules through MAP_FILE beside IOAS_MAP (same errnos, entry-limit says why not, no lock)")
def map_file_rules():
    require_map_file()
    paths = ["--vfio", f"iommufd:{CDEV}", "--vfio", f"iommufd-file:{CDEV}"]
    main, table, _ = pinbench("vfio-rules", *paths, "--json", "--rule", "overlap", "--rule", "partial-unmap",
                              "--rule", "unmap-nothing", "--rule", "entry-limit", "--rule", "container-lock", rc=None)
    low, low_table, _ = pinbench("vfio-rules", *paths, "--json", "--rule", "memlock", prefix=LOW_MEMLOCK, rc=None)
    outcomes = json.loads(main) + json.loads(low)
    publish("map-file-rules.md", f"vfio-rules: IOAS_MAP beside MAP_FILE, {os.uname().release}",
            table.strip() + "\n\n" + low_table.strip())
    by = {(o["mapper"].split(":")[0], o["rule"]): o for o in outcomes}
    for rule in ("overlap", "partial-unmap", "unmap-nothing", "memlock"):
        va, file = by.get(("iommufd", rule)), by.get(("iommufd-file", rule))
        expect(va is not None and file is not None, f"{rule}: no outcome")
        expect(file.get("failure") is None and file.get("errno") is not None, f"{rule} through MAP_FILE: {file}")
        expect(file["errno"] == va["errno"], f"{rule}: MAP_FILE gave {file['errno']} ({file['detail']}), "
               f"IOAS_MAP {va['errno']} ({va['detail']})")
    entry = by[("iommufd-file", "entry-limit")]
    expect(entry.get("skipped") and "no entry limit" in entry["skipped"], f"entry-limit through MAP_FILE: {entry}")
    lock = by[("iommufd-file", "container-lock")]
    expect(lock.get("behaviour") == "concurrent", f"container-lock through MAP_FILE: {lock}")


@check("iommufd file map: doctor says whether this kernel has it; memory that is no file is refused; an old kernel is refused naming 6.13")
def map_file_doctor_and_refusals():
    stdout, _, _ = pinbench("doctor")
    line = next((l for l in stdout.splitlines() if "vfio iommufd file map (IOMMU_IOAS_MAP_FILE)" in l), "")
    _, anon, _ = pinbench("run", "--backend", "vfio", "--vfio", f"iommufd-file:{CDEV}", "--memory", "anon", "--size", "4M",
                          "--reps", "1", "--warmup", "0", "--strategy", "single", rc=2)
    expect("anon memory is no file: use --memory memfd" in anon, f"anon: {anon.strip()[-300:]}")
    if has_map_file():
        expect("[ok]" in line and "available on this kernel" in line, f"doctor on {os.uname().release}: {line!r}")
        return
    expect("[unavailable]" in line and "Linux 6.13" in line, f"doctor on {os.uname().release}: {line!r}")
    _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"iommufd-file:{CDEV}", "--memory", "memfd", "--size", "4M",
                            "--reps", "1", "--warmup", "0", "--strategy", "single", rc=2)
    expect("has no IOMMU_IOAS_MAP_FILE, which came in Linux 6.13" in stderr, f"run on {os.uname().release}: {stderr.strip()[-300:]}")
    _, rules, _ = pinbench("vfio-rules", "--vfio", f"iommufd-file:{CDEV}", "--rule", "overlap", rc=2)
    expect("Linux 6.13" in rules, f"vfio-rules on {os.uname().release}: {rules.strip()[-300:]}")
    REPORT.append(f"## iommufd file map on {os.uname().release}\n\nrefused: `{stderr.strip().splitlines()[-1]}`")


# --- IOMMU domains: one shared against one per device ------------------------------------------
# Two edu devices behind PCIe expander bridges on nodes 0 and 1 (LAB_NODE_DEVICES) share one IOAS,
# attached through one HWPT (shared) or one each (per-device); the same IOMMU_IOAS_MAP maps into
# every domain, so the difference is the price of a domain per node. TCG: ratios, never speed.

NODE_DEVICES = [word.split(",") for word in os.environ.get("LAB_NODE_DEVICES", "").split()]


def node_cdevs():
    cdevs = [fields[3] for fields in NODE_DEVICES if len(fields) == 4 and fields[3] != "none"]
    require(len(cdevs) >= 2, f"two edu devices with a node and a cdev are needed (LAB_NODE_DEVICES="
            f"{os.environ.get('LAB_NODE_DEVICES', '')!r})")
    return cdevs[:2]


def hwpt_ids(record):
    notes = ((record.get("backendMetrics") or {}).get("notes") or {})
    return [int(n) for n in re.findall(r"-> hwpt (\d+)", notes.get("domains", ""))], notes.get("domains", "")


def domains_run(devices, domains, memory, size, reps, warmup, prefault=True):
    """A verified run of `devices` on one IOAS through `domains`; checks what can be seen of the domains.
    Prefaulted, so the map's time is the pin and the domains' maps, not first-touch zeroing."""
    path = "iommufd:" + ",".join(devices)
    stdout, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", path, "--iommufd-domains", domains, "--memory", memory,
                                 "--size", size, "--strategy", "single", "--reps", reps, "--warmup", warmup, "--json",
                                 *(["--prefault"] if prefault else []))
    records = records_of(stdout)  # the measured repetitions (--json leaves warm-ups out)
    expect(len(records) == reps, f"{path} {domains} {memory}: {len(records)} records, wanted {reps}")
    expected = 1 if domains == "shared" else len(devices)
    for record in records:
        where = f"{len(devices)} devices {domains} {memory} rep {record['rep']}"
        expect(record["verified"], f"{where} did not verify: {record['pinnedCheck']}; {record['unpinnedCheck']}; "
               f"{record.get('error')}")
        pinned, unpinned = record["pinnedCheck"], record["unpinnedCheck"]
        # The pages are pinned and counted once, however many domains map them.
        expect(f"VmPin +{size} (expected +{size})" in pinned, f"{where}: VmPin not +{size} once: {pinned}")
        expect(f"{expected} distinct hwpt ids, {expected} expected" in pinned, f"{where}: domains: {pinned}")
        expect("IOMMU_DESTROY EBUSY for each: held" in pinned and "every attach answered its hwpt" in pinned,
               f"{where}: attachment not witnessed: {pinned}")
        expect(f"holds {size} in 1/1 mappings (IOMMU_IOAS_COPY)" in pinned and "nothing past the region" in pinned,
               f"{where}: the IOAS's view: {pinned}")
        expect(f"IOMMU_IOAS_UNMAP took down {size} in 1 calls, each its whole length" in unpinned and "VmPin +0" in unpinned,
               f"{where}: unmap: {unpinned}")
        values = (record.get("backendMetrics") or {}).get("values") or {}
        expect(values.get("iommuDomains") == expected and values.get("devices") == len(devices),
               f"{where}: metrics say {values.get('iommuDomains')} domains, {values.get('devices')} devices")
        ids, note = hwpt_ids(record)
        expect(len(ids) == len(devices) and len(set(ids)) == expected, f"{where}: hwpt ids {note!r}")
    table = table_of(stderr)
    expect("IOMMU domains" in table and f"domains: {expected} {domains} domain" in table,
           f"{where}: the run's table does not show the domains: {table[-400:]}")
    return records, table


DOMAIN_CONFIGS = [("1 device", 1, "shared"), ("2 devices, shared", 2, "shared"), ("2 devices, per-device", 2, "per-device")]


@check("iommufd domains: 1 device, 2 devices through one shared domain and through one per device, 256M anon and thp, "
       "verified (hwpt ids, the IOAS's view, VmPin once), with the cost per added domain")
def domains_table():
    cdevs = node_cdevs()
    rows = []
    size = "256M"
    for memory in ("anon", "thp"):
        samples = {label: ([], []) for label, _, _ in DOMAIN_CONFIGS}
        tables = []
        # Two rounds, the configurations interleaved, so drift in the guest falls on each alike.
        for _round in range(2):
            for label, count, domains in DOMAIN_CONFIGS:
                records, table = domains_run(cdevs[:count], domains, memory, size, reps=2, warmup=1)
                samples[label][0].extend(r["pinSeconds"] for r in records)
                samples[label][1].extend(r["unpinSeconds"] for r in records)
                tables.append(f"### {label}, {memory}\n\n{table.strip()}")
        medians = {label: (statistics.median(pins), statistics.median(unpins)) for label, (pins, unpins) in samples.items()}
        one, shared, per = (medians[label] for label, _, _ in DOMAIN_CONFIGS)
        for label, count, domains in DOMAIN_CONFIGS:
            pin, unpin = medians[label]
            rows.append(f"| {memory} | {label} | {count} | {1 if domains == 'shared' else count} | {pin * 1e3:.1f} ms | "
                        f"{unpin * 1e3:.1f} ms | {pin / one[0]:.2f}x | {unpin / one[1]:.2f}x |")
        rows.append(f"| {memory} | **added by the 2nd domain** (per-device - shared) | 2 | +1 | {(per[0] - shared[0]) * 1e3:+.1f} ms | "
                    f"{(per[1] - shared[1]) * 1e3:+.1f} ms | {per[0] / shared[0]:.2f}x | {per[1] / shared[1]:.2f}x |")
        save(f"domains-{memory}-runs.md", "\n\n".join(tables))
    table = markdown_table(["memory", "configuration", "devices", "IOMMU domains", "map (median)", "unmap (median)",
                            "map vs 1 device", "unmap vs 1 device"], rows)
    publish("domains.md", f"iommufd: one IOMMU domain against one per device, {size} prefaulted, single, medians of 4 "
            f"(2 rounds interleaved; TCG: ratios only), {os.uname().release}", table)


@check("iommufd domains: a sweep per mode names its domains in summary.md, and report --compare sets shared against per-device")
def domains_sweep():
    cdevs = node_cdevs()
    path = "iommufd:" + ",".join(cdevs)
    directories = {}
    for domains, words in (("shared", "1 shared domain"), ("per-device", "2 per-device domains")):
        directory = os.path.join(OUT, f"sweep-domains-{domains}")
        pinbench("sweep", "--backends", "vfio", "--vfio", path, "--iommufd-domains", domains, "--memory", "anon,thp",
                 "--sizes", "64M", "--strategies", "single", "--reps", "3", "--warmup", "1", "--output", directory)
        with open(os.path.join(directory, "runs.jsonl")) as file:
            runs = [json.loads(line) for line in file if line.strip()]
        expect(runs and all(run["verified"] for run in runs), f"{domains}: runs did not verify or none ran")
        expect(all(words in (run.get("vfio") or "") for run in runs), f"{domains}: runs do not say {words!r}: {runs[0].get('vfio')}")
        with open(os.path.join(directory, "summary.md")) as file:
            summary = file.read()
        expect(f"Options: vfio ({path} ({words}))" in summary, f"{domains}: summary.md's Options line lacks {words!r}")
        directories[domains] = directory
    comparison, _, _ = pinbench("report", "--compare", directories["shared"], directories["per-device"], "--format", "markdown")
    expect("(1 shared domain)" in comparison and "(2 per-device domains)" in comparison,
           "the comparison's header does not name each side's domains")
    publish("domains-compare.md", f"iommufd: 2 devices, one shared domain (base) against one per device (new), 64M "
            f"(TCG: ratios only), {os.uname().release}", comparison)


@check("iommufd domains: refusals (a device twice under two names, a non-viable group, --iommufd-domains with type1) "
       "exit 2 with the fix; per-device with one device is one domain")
def domains_refusals():
    cdevs = node_cdevs()
    link = "/tmp/pinbench-domains-twin"
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(cdevs[0], link)
    try:
        _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"iommufd:{cdevs[0]},{link}", "--size", "4M",
                                "--strategy", "single", "--reps", "1", "--warmup", "0", rc=2)
        expect("again: list each device once" in stderr, f"a device twice: {stderr.strip()[-300:]}")
    finally:
        os.unlink(link)
    _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"iommufd:{cdevs[0]},{cdevs[0]}", "--size", "4M", rc=2)
    expect("twice" in stderr, f"a device listed twice: {stderr.strip()[-300:]}")
    _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"type1:{GROUP}", "--iommufd-domains", "per-device",
                            "--size", "4M", rc=2)
    expect("--iommufd-domains" in stderr and "iommufd:<device>,<device>" in stderr, f"type1: {stderr.strip()[-300:]}")
    bdf = os.environ.get("LAB_NONVIABLE_BDF", "")
    nonviable = [f"/dev/vfio/devices/{name}" for name in (os.listdir(f"/sys/bus/pci/devices/{bdf}/vfio-dev")
                                                          if bdf and os.path.isdir(f"/sys/bus/pci/devices/{bdf}/vfio-dev") else [])]
    require(nonviable, f"the non-viable group's device ({bdf or 'none'}) has no cdev")
    _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"iommufd:{cdevs[0]},{nonviable[0]}", "--size", "4M",
                            "--strategy", "single", "--reps", "1", "--warmup", "0", rc=2)
    expect("is not viable" in stderr and "bind it to vfio-pci or unbind it" in stderr, f"non-viable: {stderr.strip()[-300:]}")
    lines = [f"- non-viable group: `{stderr.strip().splitlines()[-1]}`"]
    records, _ = domains_run(cdevs[:1], "per-device", "anon", "16M", reps=1, warmup=0)
    REPORT.append("## iommufd domains: refusals\n\n" + "\n".join(lines)
                  + f"\n\nper-device with one device: {hwpt_ids(records[0])[1]}")


# --- The kernel module -----------------------------------------------------------------------

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kmod  # noqa: E402

KMOD = os.path.join(os.environ.get("LAB_ROOT", "."), "kmod", "pinbench_kmod.ko")
MIB = 1 << 20


def lsmod_has_module():
    with open("/proc/modules") as modules:
        return any(line.split()[0] == "pinbench_kmod" for line in modules)


def load_module():
    """Loads the lab's build of the module unless it is loaded (a check run alone needs it too)."""
    expect(os.path.exists(KMOD), f"{KMOD} was not built (scripts/lab.sh test builds it against the lab kernel)")
    if not lsmod_has_module():
        done = subprocess.run(["insmod", KMOD], capture_output=True, text=True)
        expect(done.returncode == 0, f"insmod: {done.stderr.strip()}")
    expect(os.path.exists("/dev/pinbench"), "no /dev/pinbench after insmod")


@check("kmod: the module loads and /dev/pinbench answers with its uAPI version")
def kmod_load():
    load_module()
    with kmod.Device() as device:
        status = device.status()
    expect(status["version"] == kmod.API_VERSION and status["pages"] == 0 and status["files"] == 1, f"status {status}")
    stdout, _, _ = pinbench("doctor")
    expect(re.search(rf"^\s*\[ok\] kmod \(/dev/pinbench, PinBench's module\): loaded, uAPI {kmod.API_VERSION}", stdout, re.M),
           "doctor does not report the loaded module")


@check("kmod: 1, 2 and 4 workers pin anon and THP exactly, per chunk and worker; VmPin +32M; both unpins give it back")
def kmod_pin():
    rows = []
    size, chunk = 32 * MIB, 8 * MIB
    for memory in ("anon", "thp"):
        for workers in (1, 2, 4):
            for folio in (False, True):
                region = kmod.Memory(size, thp=memory == "thp")
                with kmod.Device() as device:
                    before = kmod.vm_pinned_kib()
                    pinned = device.pin(region.addr, size, chunk, workers=workers)
                    grown = kmod.vm_pinned_kib() - before
                    status = device.status()
                    unpinned = device.unpin(workers=workers, folio=folio)
                    after = kmod.vm_pinned_kib() - before
                pages = size // 4096
                name = f"{memory}, {workers} workers, unpin {'folio' if folio else 'per-page'}"
                expect(pinned["pages"] == pages and sum(w["pages"] for w in pinned["workers"]) == pages,
                       f"{name}: pinned {pinned['pages']} pages, workers {[w['pages'] for w in pinned['workers']]}")
                expect(sum(w["chunks"] for w in pinned["workers"]) == size // chunk, f"{name}: chunks {pinned['workers']}")
                expect(grown == size // 1024, f"{name}: VmPin grew by {grown} kB")
                expect(status["pages"] == pages and status["chunks"] == size // chunk, f"{name}: status {status}")
                expect(unpinned["pages"] == pages and after == 0, f"{name}: unpinned {unpinned['pages']}, VmPin {after:+} kB")
                if memory == "thp":
                    expect(pinned["folios"] <= pages // 64, f"{name}: {pinned['folios']} folios for {pages} pages: no THP?")
                else:
                    expect(pinned["folios"] == pages, f"{name}: {pinned['folios']} folios for {pages} 4K pages")
                busy = max(w["end_ns"] - w["start_ns"] for w in pinned["workers"])
                rows.append(f"| {memory} | {workers} | {'folio' if folio else 'per-page'} | {pinned['folios']} | "
                            f"{pinned['total_ns'] / 1e6:.1f} ms | {busy / 1e6:.1f} ms | "
                            f"{', '.join(str(w['cpu']) for w in pinned['workers'])} | {unpinned['total_ns'] / 1e6:.2f} ms |")
    publish("kmod-pin.md", "kmod: 32M, 8M chunks (in-kernel ktime, TCG)",
            markdown_table(["memory", "workers", "unpin", "folios", "pin (kernel)", "longest worker", "worker CPUs",
                            "unpin (kernel)"], rows))


@check("kmod: bad ranges and plans are refused with their errno; a pin failing part-way is undone; a second pin is EBUSY; unpin of nothing is ENOENT")
def kmod_refusals():
    region = kmod.Memory(4 * MIB)
    cases = [("zero length", dict(addr=region.addr, length=0, chunk_bytes=4096), 22),
             ("unaligned address", dict(addr=region.addr + 1, length=4096, chunk_bytes=4096), 22),
             ("unaligned length", dict(addr=region.addr, length=4097, chunk_bytes=4096), 22),
             ("overflowing range", dict(addr=(1 << 64) - 4096, length=8192, chunk_bytes=4096), 22),
             ("outside the user address space", dict(addr=1 << 56, length=4096, chunk_bytes=4096), 22),
             ("no workers", dict(addr=region.addr, length=4096, chunk_bytes=4096, workers=0), 22),
             ("65 workers", dict(addr=region.addr, length=4096, chunk_bytes=4096, workers=65), 22),
             ("zero chunk", dict(addr=region.addr, length=4096, chunk_bytes=0), 22),
             ("unmapped range", dict(addr=4096 * 16, length=4096, chunk_bytes=4096), 14)]
    with kmod.Device() as device:
        for name, arguments, errno in cases:
            try:
                device.pin(**arguments)
                raise CheckFailed(f"{name}: pinned")
            except OSError as error:
                expect(error.errno == errno, f"{name}: errno {error.errno}, wanted {errno}")
        expect(device.status()["pages"] == 0, "a refused pin left pages pinned")
        try:
            device.unpin()
            raise CheckFailed("unpin of nothing succeeded")
        except OSError as error:
            expect(error.errno == 2, f"unpin of nothing: errno {error.errno}")
        # A range whose second half is not mapped: the first half's pins must be undone.
        holed = kmod.Memory(4 * MIB)
        libc = ctypes.CDLL(None, use_errno=True)
        expect(libc.munmap(ctypes.c_void_p(holed.addr + 2 * MIB), ctypes.c_size_t(2 * MIB)) == 0, "munmap")
        before = kmod.vm_pinned_kib()
        for workers in (1, 2):
            try:
                device.pin(holed.addr, 4 * MIB, MIB, workers=workers)
                raise CheckFailed("a half-unmapped range was pinned")
            except OSError as error:
                expect(error.errno == 14, f"half-unmapped range, {workers} workers: errno {error.errno}")
            expect(device.status()["pages"] == 0 and kmod.vm_pinned_kib() == before,
                   f"a failed pin left pins: {device.status()}, VmPin {kmod.vm_pinned_kib() - before:+} kB")
        device.pin(region.addr, 4 * MIB, MIB)
        try:
            device.pin(region.addr, 4 * MIB, MIB)
            raise CheckFailed("a second pin on the same file succeeded")
        except OSError as error:
            expect(error.errno == 16, f"second pin: errno {error.errno}")
        device.unpin()


@check("kmod: memfd_pin_folios pins a memfd per folio with 1, 2 and 4 workers; VmPin +16M and back; bad memfd pins refused")
def kmod_memfd():
    size, chunk = 16 * MIB, 4 * MIB
    pages = size // 4096
    flags = kmod.PIN_LONGTERM | kmod.PIN_WRITE | kmod.PIN_MEMFD
    rows = []
    for workers in (1, 2, 4):
        region = kmod.Memory(size, memfd=True)
        with kmod.Device() as device:
            before = kmod.vm_pinned_kib()
            pinned = device.pin(region.addr, size, chunk, workers=workers, flags=flags, memfd=region.fd)
            grown = kmod.vm_pinned_kib() - before
            status = device.status()
            unpinned = device.unpin(workers=workers, folio=True)
            after = kmod.vm_pinned_kib() - before
        os.close(region.fd)
        expect(pinned["pages"] == pages and pinned["folios"] == pages, f"{workers} workers: pinned {pinned['pages']} pages "
               f"in {pinned['folios']} folios, wanted {pages} 4K folios")
        expect(sum(w["chunks"] for w in pinned["workers"]) == size // chunk, f"{workers} workers: chunks {pinned['workers']}")
        expect(grown == size // 1024 and status["pages"] == pages, f"{workers} workers: VmPin +{grown} kB, status {status}")
        expect(unpinned["pages"] == pages and after == 0, f"{workers} workers: unpinned {unpinned['pages']}, VmPin {after:+} kB")
        rows.append(f"| {workers} | {pinned['folios']} | {pinned['total_ns'] / 1e6:.1f} ms | {unpinned['total_ns'] / 1e6:.2f} ms |")
    region = kmod.Memory(4 * MIB, memfd=True)
    with open("/dev/null", "rb") as null, kmod.Device() as device:
        cases = [("--gup fast with memfd", dict(flags=flags | kmod.PIN_FAST, memfd=region.fd), 22),
                 ("a closed descriptor", dict(flags=flags, memfd=999), 9),
                 ("a file that is no memfd", dict(flags=flags, memfd=null.fileno()), 22),
                 ("past the memfd's end", dict(flags=flags, memfd=region.fd, memfd_offset=4 * MIB), 22),
                 ("an unaligned memfd offset", dict(flags=flags, memfd=region.fd, memfd_offset=1), 22)]
        for name, arguments, errno in cases:
            try:
                device.pin(region.addr, 4 * MIB, MIB, **arguments)
                raise CheckFailed(f"{name}: pinned")
            except OSError as error:
                expect(error.errno == errno, f"{name}: errno {error.errno}, wanted {errno}")
            expect(device.status()["pages"] == 0, f"{name}: a refused pin left pages pinned")
    os.close(region.fd)
    publish("kmod-memfd.md", "kmod: memfd_pin_folios, 16M memfd, 4M chunks (TCG)",
            markdown_table(["workers", "folios", "pin (kernel)", "unpin (kernel)"], rows))


# --- kmod map mode: the module's PCI driver and its own IOMMU domain --------------------------

KMOD_BDF = os.environ.get("LAB_KMOD_BDF", "")
NONVIABLE_BDF = os.environ.get("LAB_NONVIABLE_BDF", "")
IOVA = 1 << 32
KMOD_DRIVER = "/sys/bus/pci/drivers/pinbench"


def kmod_device_bound():
    """The lab's edu for the module, bound to its PCI driver (loading the module binds it)."""
    require(KMOD_BDF, "the guest has no second edu alone in its group (LAB_KMOD_BDF)")
    load_module()
    expect(os.path.exists(os.path.join(KMOD_DRIVER, KMOD_BDF)),
           f"{KMOD_BDF} is not bound to the module's driver: {sorted(os.listdir(KMOD_DRIVER)) if os.path.isdir(KMOD_DRIVER) else 'no driver'}")


def expect_errno(name, errno, call):
    try:
        call()
        raise CheckFailed(f"{name}: succeeded")
    except OSError as error:
        expect(error.errno == errno, f"{name}: errno {error.errno}, wanted {errno}")


def sysfs_write(path, value):
    with open(path, "w") as file:
        file.write(value)


@check("kmod map: the module's PCI driver takes the edu given by driver_override, with an unmanaged paging domain; "
       "doctor shows group, domain and aperture; unknown devices are ENODEV")
def kmod_map_device():
    kmod_device_bound()
    with kmod.Device() as device:
        status = device.status()
        info = device.attach(KMOD_BDF, query=True)
        expect_errno("attach of a device not bound to the module", 19, lambda: device.attach("0000:00:1f.7"))
        expect_errno("attach of a name too long", 22, lambda: device.attach("x" * 32))
    expect(status["features"] & kmod.FEATURE_MAP and status["devices"] >= 1, f"status {status}")
    expect(info["domain_error"] == 0 and info["group_devices"] == 1 and info["group"] >= 0, f"device {info}")
    expect(info["domain_type"] == 1, f"domain type {info['domain_type']:#x}, wanted IOMMU_DOMAIN_UNMANAGED (0x1)")
    expect(info["aperture_start"] <= IOVA < info["aperture_end"] and info["pgsize_bitmap"] & 4096, f"aperture {info}")
    # The vfio-pci edu is not the module's: never taken by id.
    expect(not os.path.exists(os.path.join(KMOD_DRIVER, os.environ.get("LAB_VFIO_BDF", "-"))), "the module took vfio-pci's edu")
    stdout, _, _ = pinbench("doctor")
    line = re.search(rf"^\s*\[ok\] kmod map {re.escape(KMOD_BDF)}: group \d+ \(1 device\), unmanaged paging domain, "
                     r"aperture 0x[0-9a-f]+-0x[0-9a-f]+, page sizes 4K[^\n]*", stdout, re.M)
    expect(line, f"doctor does not describe the module's device: {stdout[-600:]}")
    REPORT.append(f"## kmod map device\n\n{line.group(0).strip()}")


@check("kmod map: 1, 2 and 4 workers pin and map anon, THP and hugetlb-2m exactly; the domain resolves every segment; "
       "unpin unmaps each chunk first and nothing resolves after")
def kmod_map_pin():
    kmod_device_bound()
    rows = []
    size, chunk = 32 * MIB, 8 * MIB
    for memory in ("anon", "thp", "hugetlb-2m"):
        for workers in (1, 2, 4):
            reserved = HugepagesReserved(16) if memory == "hugetlb-2m" else None
            if reserved:
                reserved.__enter__()
            try:
                if memory == "hugetlb-2m":
                    region = kmod.HugetlbMemory(size)
                else:
                    region = kmod.Memory(size, thp=memory == "thp")
                with kmod.Device() as device:
                    device.attach(KMOD_BDF)
                    before = kmod.vm_pinned_kib()
                    pinned = device.pin(region.addr, size, chunk, workers=workers, iova=IOVA)
                    status = device.status()
                    with kmod.Device() as other:
                        seen = other.attach(KMOD_BDF, query=True)
                    unpinned = device.unpin(workers=workers, folio=True)
                    after = device.status()
                    vm_after = kmod.vm_pinned_kib() - before
                region.close()
            finally:
                if reserved:
                    reserved.__exit__()
            name = f"{memory}, {workers} workers"
            check_pin, check_unpin = pinned["map_check"], unpinned["map_check"]
            calls = sum(w["map_calls"] for w in pinned["workers"])
            expect(pinned["pages"] == size // 4096 and check_pin["mapped_bytes"] == size,
                   f"{name}: pinned {pinned['pages']} pages, mapped {check_pin}")
            expect(check_pin["wrong"] == 0 and check_pin["checked"] == 2 * check_pin["segments"] and calls == check_pin["segments"],
                   f"{name}: check {check_pin}, workers made {calls} iommu_map calls")
            most = size // 4096 if memory == "anon" else size // (2 * MIB)
            expect(size // chunk <= check_pin["segments"] <= most, f"{name}: {check_pin['segments']} segments, at most {most}")
            expect(status["mapped_bytes"] == size and seen["mapped_bytes"] >= size and seen["files"] >= 1,
                   f"{name}: status {status['mapped_bytes']}, device {seen}")
            expect(check_unpin["mapped_bytes"] == size and check_unpin["wrong"] == 0 and check_unpin["checked"] == 2 * (size // chunk),
                   f"{name}: unmap check {check_unpin}")
            expect(after["mapped_bytes"] == 0 and after["pages"] == 0 and vm_after == 0 and after["mapped_all"] == 0,
                   f"{name}: after unpin {after}, VmPin {vm_after:+} kB")
            gup = sum(w["gup_ns"] for w in pinned["workers"])
            mapped = sum(w["map_ns"] for w in pinned["workers"])
            unmapped = sum(w["map_ns"] for w in unpinned["workers"])
            expect(gup > 0 and mapped > 0 and unmapped > 0, f"{name}: phase times gup {gup}, map {mapped}, unmap {unmapped}")
            rows.append(f"| {memory} | {workers} | {check_pin['segments']} | {pinned['total_ns'] / 1e6:.1f} ms | "
                        f"{gup / 1e6:.1f} ms | {sum(w['record_ns'] for w in pinned['workers']) / 1e6:.2f} ms | "
                        f"{mapped / 1e6:.2f} ms | {unpinned['total_ns'] / 1e6:.2f} ms | {unmapped / 1e6:.2f} ms |")
    publish("kmod-map.md", "kmod map: 32M, 8M chunks, pin and map into the edu's own domain (in-kernel ktime, TCG)",
            markdown_table(["memory", "workers", "iommu_map calls", "pin call", "gup (workers)", "records (workers)",
                            "map (workers)", "unpin call", "unmap (workers)"], rows))


@check("kmod map: refusals with their errno (not attached, overlapping IOVAs, outside the aperture, unaligned IOVA, "
       "a shared group); a pin failing part-way is unmapped and unpinned, and its IOVAs map again")
def kmod_map_refusals():
    kmod_device_bound()
    region = kmod.Memory(4 * MIB)
    with kmod.Device() as device, kmod.Device() as other:
        info = device.attach(KMOD_BDF, query=True)
        expect_errno("a map pin on a file not attached", 6, lambda: device.pin(region.addr, 4 * MIB, MIB, iova=IOVA))
        device.attach(KMOD_BDF)
        device.attach(KMOD_BDF)  # again: the same device is no error
        expect_errno("an unaligned IOVA", 22, lambda: device.pin(region.addr, 4 * MIB, MIB, iova=IOVA + 1))
        end = info["aperture_end"] + 1
        expect_errno("IOVAs past the aperture", 34, lambda: device.pin(region.addr, 4 * MIB, MIB, iova=end - 2 * MIB))
        expect(device.status()["pages"] == 0 and device.status()["mapped_bytes"] == 0, "a refused map pin left state")
        device.pin(region.addr, 4 * MIB, MIB, iova=IOVA)
        other.attach(KMOD_BDF)
        second = kmod.Memory(4 * MIB)
        expect_errno("IOVAs another file maps", 17, lambda: other.pin(second.addr, 4 * MIB, MIB, iova=IOVA + 2 * MIB))
        expect(other.status()["pages"] == 0, "the refused overlapping pin left pins")
        other.pin(second.addr, 4 * MIB, MIB, iova=IOVA + 4 * MIB)  # right after it: fine
        expect(device.attach(KMOD_BDF, query=True)["mapped_bytes"] >= 8 * MIB, "two files' mappings not counted")
        other.unpin()
        device.unpin()
        with kmod.Device() as fresh:
            fresh.pin(second.addr, 4 * MIB, MIB)  # pins, unattached
            expect_errno("attaching a file that already holds pins", 16, lambda: fresh.attach(KMOD_BDF))
            fresh.unpin()
        # A range whose second half is not mapped: what was pinned and mapped must be undone.
        holed = kmod.Memory(4 * MIB)
        libc = ctypes.CDLL(None, use_errno=True)
        expect(libc.munmap(ctypes.c_void_p(holed.addr + 2 * MIB), ctypes.c_size_t(2 * MIB)) == 0, "munmap")
        before = kmod.vm_pinned_kib()
        for workers in (1, 2):
            expect_errno(f"a half-unmapped range, {workers} workers", 14,
                         lambda: device.pin(holed.addr, 4 * MIB, MIB, workers=workers, iova=IOVA))
            status = device.status()
            expect(status["pages"] == 0 and status["mapped_bytes"] == 0 and status["mapped_all"] == 0
                   and kmod.vm_pinned_kib() == before, f"a failed map pin left state: {status}")
        # The IOVAs it had mapped are free: the same IOVAs map again (iommu_map refuses a present entry).
        again = device.pin(region.addr, 4 * MIB, MIB, iova=IOVA)
        expect(again["map_check"]["mapped_bytes"] == 4 * MIB and again["map_check"]["wrong"] == 0, f"remap {again['map_check']}")
        device.unpin()
    # A device that shares its group (the edu behind the bridge, with virtio-rng): no domain, EXDEV.
    require(NONVIABLE_BDF, "no edu sharing its group (LAB_NONVIABLE_BDF)")
    sysfs = f"/sys/bus/pci/devices/{NONVIABLE_BDF}"
    try:
        if os.path.exists(f"{sysfs}/driver"):
            sysfs_write(f"{sysfs}/driver/unbind", NONVIABLE_BDF)
        sysfs_write(f"{sysfs}/driver_override", "pinbench")
        sysfs_write("/sys/bus/pci/drivers_probe", NONVIABLE_BDF)
        with kmod.Device() as device:
            shared = device.attach(NONVIABLE_BDF, query=True)
            expect(shared["domain_error"] == -18 and shared["group_devices"] >= 2, f"shared-group device {shared}")
            expect_errno("attaching a device that shares its group", 18, lambda: device.attach(NONVIABLE_BDF))
        _, stderr, _ = pinbench("run", "--backend", "kmod", "--map-device", NONVIABLE_BDF, "--size", "4M", rc=None)
        expect("shares IOMMU group" in stderr, f"pinbench on a shared group: {stderr.strip()[-300:]}")
    finally:
        if os.path.exists(f"{sysfs}/driver"):
            sysfs_write(f"{sysfs}/driver/unbind", NONVIABLE_BDF)
        sysfs_write(f"{sysfs}/driver_override", "vfio-pci")
        sysfs_write("/sys/bus/pci/drivers_probe", NONVIABLE_BDF)
    # pinbench's own refusals: a device not bound to the module says how to bind it.
    vfio_bdf = os.environ.get("LAB_VFIO_BDF", "")
    _, stderr, code = pinbench("run", "--backend", "kmod", "--map-device", vfio_bdf, "--size", "4M", rc=None)
    expect(code != 0 and "not bound to the module's PCI driver" in stderr and f"echo pinbench > /sys/bus/pci/devices/{vfio_bdf}/driver_override" in stderr,
           f"not bound: exit {code}, {stderr.strip()[-300:]}")
    _, stderr, code = pinbench("run", "--backend", "kmod", "--map-device", KMOD_BDF, "--iova-base", hex(info["aperture_end"] + 1 - 2 * MIB),
                               "--size", "4M", rc=None)
    expect(code != 0 and "aperture" in stderr, f"past the aperture: exit {code}, {stderr.strip()[-300:]}")


@check("kmod map: a process killed while mapped leaves nothing mapped or pinned; unbinding the device while mapped "
       "unmaps first and keeps the pins until unpin; the device binds again")
def kmod_map_release():
    kmod_device_bound()
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, sys.argv[1]); import kmod\n"
        "d = kmod.Device(); d.attach(sys.argv[2]); m = kmod.Memory(16 << 20)\n"
        "r = d.pin(m.addr, 16 << 20, 4 << 20, workers=2, iova=1 << 32)\n"
        "print(r['map_check']['mapped_bytes'], flush=True); time.sleep(120)"), os.path.dirname(os.path.abspath(__file__)),
        KMOD_BDF], stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().strip()
    with kmod.Device() as device:
        held = device.attach(KMOD_BDF, query=True)
        child.kill()
        child.wait()
        after = device.attach(KMOD_BDF, query=True)
        status = device.status()
    expect(line == str(16 * MIB) and held["mapped_bytes"] == 16 * MIB and held["files"] == 1, f"while held: {line!r}, {held}")
    expect(after["mapped_bytes"] == 0 and after["files"] == 0 and status["pinned_pages_all"] == 0 and status["mapped_all"] == 0,
           f"after SIGKILL: device {after}, status {status}")
    # Unbind while a file holds a mapping: remove() unmaps it; the pins stay until UNPIN.
    region = kmod.Memory(8 * MIB)
    try:
        with kmod.Device() as device:
            device.attach(KMOD_BDF)
            device.pin(region.addr, 8 * MIB, 2 * MIB, iova=IOVA)
            before = kmod.vm_pinned_kib()
            started = time.time()
            sysfs_write(f"{KMOD_DRIVER}/unbind", KMOD_BDF)
            took = time.time() - started
            status = device.status()
            expect(status["mapped_bytes"] == 0 and status["mapped_all"] == 0 and status["pages"] == 2048 and status["devices"] == 0,
                   f"after unbind: {status}")
            with kmod.Device() as fresh:
                expect_errno("attaching after the device went", 19, lambda: fresh.attach(KMOD_BDF))
                expect_errno("a map pin on a file never attached", 6, lambda: fresh.pin(region.addr, 4096, 4096, iova=IOVA))
            unpinned = device.unpin()
            expect(unpinned["pages"] == 2048 and unpinned["map_check"]["mapped_bytes"] == 0
                   and kmod.vm_pinned_kib() == before - 8 * 1024, f"unpin after unbind: {unpinned}")
    finally:
        sysfs_write("/sys/bus/pci/drivers_probe", KMOD_BDF)
    expect(os.path.exists(os.path.join(KMOD_DRIVER, KMOD_BDF)), "the device did not bind again")
    REPORT.append(f"## kmod map release\n\nSIGKILL while 16M mapped: device mapped {after['mapped_bytes']} bytes after; "
                  f"unbind while 8M mapped took {took * 1e3:.0f} ms, left the pins (2048 pages) and nothing mapped")


def kmod_map_run(memory, size="32M"):
    records, table = kmod_run(memory, "--map-device", KMOD_BDF, size=size)
    for record in records:
        metrics = record["backendMetrics"]["values"]
        expect("mapped into" in str(record["pinnedCheck"]) and "unmapped" in str(record["unpinnedCheck"]),
               f"{record['strategy']}: checks {record['pinnedCheck']} / {record['unpinnedCheck']}")
        expect(metrics.get("inKernelMapSeconds", 0) > 0 and metrics.get("mapCalls", 0) >= 1 and metrics.get("inKernelUnmapSeconds", 0) > 0,
               f"{record['strategy']}: map metrics {metrics}")
    expect("map/unmap" in table, "the in-kernel table has no map column")
    return records, table


for _memory in ("anon", "thp", "hugetlb-2m"):
    def _make_kmod_map(memory=_memory):
        def kmod_map_backend_check():
            kmod_device_bound()
            if memory == "hugetlb-2m":
                with HugepagesReserved(20):
                    records, table = kmod_map_run(memory)
            else:
                records, table = kmod_map_run(memory)
            save(f"kmod-map-run-{memory}.md", table)
        return kmod_map_backend_check
    check(f"run --backend kmod --map-device on {_memory}: single, user and kernel pin and map, verified by the module's "
          "own IOVA checks, unmapped before unpin")(_make_kmod_map())


@check("kmod map in sweep, hold and calibrate: a verified sweep, a holder killed while mapped leaves nothing mapped, "
       "calibrate's pin+map row")
def kmod_map_commands():
    kmod_device_bound()
    directory = os.path.join(OUT, "sweep-kmod-map")
    pinbench("sweep", "--backends", "kmod", "--map-device", KMOD_BDF, "--memory", "anon,thp", "--sizes", "16M",
             "--threads", "1,2", "--reps", 1, "--warmup", 0, "--output", directory)
    runs = [json.loads(line) for line in open(os.path.join(directory, "runs.jsonl")) if line.strip()]
    expect(runs and all(r["verified"] for r in runs) and all("mapped into" in json.dumps(r) for r in runs),
           f"sweep: {sum(r['verified'] for r in runs)}/{len(runs)} verified, or not marked as mapped")
    holder = start_holder("--backend", "kmod", "--map-device", KMOD_BDF, "--memory", "anon", "--size", "16M")
    try:
        with kmod.Device() as device:
            held = device.attach(KMOD_BDF, query=True)
            holder.kill()
            holder.wait()
            after = device.attach(KMOD_BDF, query=True)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    expect(held["mapped_bytes"] == 16 * MIB and after["mapped_bytes"] == 0 and after["files"] == 0, f"hold: {held} -> {after}")
    stdout, _, _ = pinbench("calibrate", "--size", "16M", "--reps", 1, "--warmup", 0, "--map-device", KMOD_BDF)
    expect(re.search(r"kmod pin_user_pages_remote \+ iommu_map into .* \| 1/1 verified", stdout), f"calibrate: {stdout[-500:]}")


def kmod_run(memory, *options, size="32M", extra=()):
    """`pinbench run --backend kmod` of every strategy at 2 threads; the records, checked."""
    stdout, stderr, _ = pinbench("run", "--backend", "kmod", "--strategy", "all", "--memory", memory, "--size", size,
                                 "--threads", 2, "--min-chunk", "4M", "--reps", 1, "--warmup", 0, *options, *extra, "--json")
    records = records_of(stdout)
    expect(len(records) == 3 and all(r["verified"] for r in records),
           f"{memory} {' '.join(options)}: {[(r['strategy'], r['pinnedCheck'], r['unpinnedCheck']) for r in records]}")
    for record in records:
        times = record["backendMetrics"]["inKernel"]
        workers = [w for call in times["pin"] for w in call["call"]["workers"]]
        expect(sum(w["pages"] for w in workers) == record["sizeBytes"] // 4096, f"{record['strategy']}: in-kernel pages {workers}")
        if record["strategy"] == "kernel":
            plan_chunks = record["chunks"]
            expect(len(times["pin"]) == 1 and len(workers) == 2 and sum(w["chunks"] for w in workers) == plan_chunks,
                   f"kernel: {len(times['pin'])} calls, workers {workers}, plan {plan_chunks} chunks")
            expect(len(record["perThread"]) == 2 and sum(t["pinChunks"] for t in record["perThread"]) == plan_chunks,
                   f"kernel: thread stats {record['perThread']}")
        else:
            expect(len(times["pin"]) == record["workers"], f"{record['strategy']}: {len(times['pin'])} calls")
    return records, table_of(stderr)


KMOD_ROWS = []


def kmod_row(memory, gup, unpin, records):
    for record in records:
        metrics = record["backendMetrics"]["values"]
        KMOD_ROWS.append(f"| {memory} | {gup} | {unpin} | {record['strategy']} | {record['pinSeconds'] * 1e3:.1f} ms | "
                         f"{metrics['inKernelPinSeconds'] * 1e3:.1f} ms | {record['unpinSeconds'] * 1e3:.2f} ms | "
                         f"{metrics['inKernelUnpinSeconds'] * 1e3:.2f} ms | {int(metrics['folios'])} |")


for _memory in ("anon", "thp", "hugetlb-2m", "memfd"):
    def _make_kmod(memory=_memory):
        def kmod_backend_check():
            for unpin in ("per-page", "folio"):
                if memory == "hugetlb-2m":
                    with HugepagesReserved(20):
                        records, _ = kmod_run(memory, "--unpin", unpin)
                else:
                    records, _ = kmod_run(memory, "--unpin", unpin)
                kmod_row(memory, "remote", unpin, records)
            if memory in ("anon", "thp"):
                records, _ = kmod_run(memory, "--gup", "fast")
                kmod_row(memory, "fast", "folio", records)
            if memory == "memfd":
                records, _ = kmod_run(memory, "--gup", "memfd")
                kmod_row(memory, "memfd", "folio", records)
            if memory == "hugetlb-2m":
                # memfd_pin_folios on a hugetlb memfd: one pin per 2 MiB folio.
                with HugepagesReserved(20):
                    records, _ = kmod_run("memfd-hugetlb-2m", "--gup", "memfd")
                # The backend's own check holds it to exactly one folio run per 2 MiB page per module chunk.
                expect(all(r["backendMetrics"]["values"]["folios"] == 16 for r in records),
                       f"folio runs {[r['backendMetrics']['values']['folios'] for r in records]}, wanted 16 each")
                kmod_row("memfd-hugetlb-2m", "memfd", "folio", records)
        return kmod_backend_check
    check(f"run --backend kmod on {_memory}: single, user and kernel verified by the module's counts and VmPin, "
          "both unpin modes")(_make_kmod())


@check("kmod on prefaulted memory: remote against fast pins, per-page against folio unpins, medians of 5 (in-kernel ktime)")
def kmod_paths():
    rows = []
    medians = {}
    for memory in ("anon", "thp"):
        for gup, unpin in (("remote", "folio"), ("fast", "folio"), ("remote", "per-page")):
            stdout, _, _ = pinbench("run", "--backend", "kmod", "--strategy", "single", "--memory", memory, "--size", "64M",
                                    "--prefault", "--gup", gup, "--unpin", unpin, "--reps", 5, "--warmup", 1, "--json")
            records = records_of(stdout)
            expect(len(records) == 5 and all(r["verified"] for r in records), f"{memory} {gup} {unpin}: not all verified")
            pin = statistics.median(r["backendMetrics"]["values"]["inKernelPinSeconds"] for r in records)
            unpinned = statistics.median(r["backendMetrics"]["values"]["inKernelUnpinSeconds"] for r in records)
            wall = statistics.median(r["pinSeconds"] for r in records)
            medians[(memory, gup, unpin)] = (pin, unpinned)
            rows.append(f"| {memory} | {gup} | {unpin} | {pin * 1e3:.2f} ms | {wall * 1e3:.2f} ms | {unpinned * 1e3:.3f} ms |")
    for memory in ("anon", "thp"):
        fast = medians[(memory, "remote", "folio")][0] / medians[(memory, "fast", "folio")][0]
        folio = medians[(memory, "remote", "per-page")][1] / medians[(memory, "remote", "folio")][1]
        rows.append(f"| {memory} | remote / fast | per-page / folio | {fast:.2f}x | | {folio:.2f}x |")
    publish("kmod-paths.md", "kmod, single, 64M prefaulted, medians of 5: pin paths and unpin modes (TCG)",
            markdown_table(["memory", "gup", "unpin", "pin (kernel)", "pin (user wall)", "unpin (kernel)"], rows))


def meminfo_mib(key):
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024
    raise CheckFailed(f"no {key} in /proc/meminfo")


@check("kmod run-arrays: a single pin of the largest hugetlbfs-2m region the guest allows keeps its run arrays "
       "in kilobytes (16 bytes per 2 MiB folio, not per 4 KiB page)")
def kmod_run_arrays():
    load_module()
    # Every 2 MiB page the guest can spare, leaving 768 MiB for the kernel, Python and pinbench.
    asked = (meminfo_mib("MemAvailable") - 768) // 2
    expect(asked >= 512, f"the guest has {meminfo_mib('MemAvailable')} MiB available: too little to pin 1G of 2 MiB pages")
    path = f"{HUGEPAGES}/nr_hugepages"
    before = read_int(path)
    write(path, before + asked)
    try:
        folios = read_int(path) - before
        expect(folios >= 512, f"the pool grew by {folios} of {asked} 2 MiB pages asked")
        stdout, stderr, _ = pinbench("run", "--backend", "kmod", "--strategy", "single", "--memory", "hugetlbfs-2m",
                                     "--size", f"{folios * 2}M", "--reps", 1, "--warmup", 0, "--json", timeout=1200)
    finally:
        write(path, before)
    records = records_of(stdout)
    expect(len(records) == 1 and records[0]["verified"],
           f"{[(r['pinnedCheck'], r['unpinnedCheck']) for r in records]}")
    metrics = records[0]["backendMetrics"]["values"]
    calls = records[0]["backendMetrics"]["inKernel"]["pin"]
    held = metrics.get("runArrayBytes")
    expect(held is not None, f"no runArrayBytes in the record's metrics: {sorted(metrics)}")
    expect(len(calls) == 1 and calls[0]["call"].get("runBytes") == held and metrics["folios"] == folios,
           f"{len(calls)} pin calls, run bytes {[c['call'].get('runBytes') for c in calls]}, {metrics['folios']} folio runs")
    # One 16-byte run per folio, in an array that at most doubled past it (from 1 KiB): kilobytes
    # for the few thousand 2 MiB folios a guest of a few GiB holds.
    per_page = folios * 512 * 16
    expect(16 * folios <= held <= max(1024, 32 * folios),
           f"{held} bytes of run arrays for {folios} folios (a record per 4 KiB page would be {per_page})")
    publish("kmod-run-arrays.md", "kmod, single, the largest hugetlbfs-2m region the guest allows: the module's run arrays",
            markdown_table(["region", "folio runs", "run arrays", "one record per 4 KiB page", "ratio"],
                           [f"| {folios * 2} MiB | {folios} | {held / 1024:.0f} KiB | {per_page / MIB:.1f} MiB | "
                            f"1/{per_page // held} |"]))


@check("run --backend kmod --strategy all --memory thp --size 1G --threads 2: verified rows with in-kernel per-worker times")
def kmod_headline():
    stdout, stderr, _ = pinbench("run", "--backend", "kmod", "--strategy", "all", "--memory", "thp", "--size", "1G",
                                 "--threads", "2", "--json", timeout=900)
    records = records_of(stdout)
    expect(len(records) == 15 and all(r["verified"] for r in records),
           f"{sum(r['verified'] for r in records)}/{len(records)} verified")
    table = table_of(stderr)
    expect("In-kernel per worker" in table and re.search(r"^\| kernel \| pin \| 1 \|", table, re.M),
           "no in-kernel per-worker table with the kernel strategy's helper")
    publish("kmod-run-thp-1G.md", "pinbench run --backend kmod --strategy all --memory thp --size 1G --threads 2 (TCG)", table)
    publish("kmod-modes.md", "run --backend kmod, 32M, 2 threads, 4M min chunk: pin paths and unpin modes (TCG)",
            markdown_table(["memory", "gup", "unpin", "strategy", "pin (user)", "pin (kernel)", "unpin (user)",
                            "unpin (kernel)", "folio runs"], KMOD_ROWS))


@check("kmod: pinbench hold --backend kmod killed with SIGKILL while pinned leaves the module's counters and VmPin at 0")
def kmod_hold_killed():
    holder = start_holder("--backend", "kmod", "--memory", "anon", "--size", "16M")
    try:
        expect(kmod.vm_pinned_kib(holder.pid) == 16 * 1024, f"the holder's VmPin is {kmod.vm_pinned_kib(holder.pid)} kB")
        with kmod.Device() as device:
            held = device.status()
            holder.kill()
            holder.wait()
            after = device.status()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    expect(held["pinned_pages_all"] == 4096, f"while held: {held}")
    expect(after["pinned_pages_all"] == 0 and after["files"] == 1, f"after SIGKILL: {after}")
    expect(holder.returncode == -signal.SIGKILL, f"the holder ended with {holder.returncode}")


@check("kmod: a process killed with pins held leaves VmPin and the module's counters at 0; rmmod waits for open files")
def kmod_kill():
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, sys.argv[1]); import kmod\n"
        "d = kmod.Device(); m = kmod.Memory(16 << 20); d.pin(m.addr, 16 << 20, 4 << 20, workers=2)\n"
        "print(kmod.vm_pinned_kib(), flush=True); time.sleep(120)"), os.path.dirname(os.path.abspath(__file__))],
        stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().strip()
    expect(line == str(16 * 1024), f"the child pinned {line!r} kB")
    with kmod.Device() as device:
        expect(device.status()["pinned_pages_all"] == 4096, f"status while the child holds pins: {device.status()}")
        child.kill()
        child.wait()
        status = device.status()
    expect(status["pinned_pages_all"] == 0 and status["files"] == 1, f"after SIGKILL: {status}")
    with kmod.Device():
        busy = subprocess.run(["rmmod", "pinbench_kmod"], capture_output=True, text=True)
        expect(busy.returncode != 0 and lsmod_has_module(), "rmmod succeeded with a file open")
    done = subprocess.run(["rmmod", "pinbench_kmod"], capture_output=True, text=True)
    expect(done.returncode == 0 and not lsmod_has_module(), f"rmmod after close: {done.stderr.strip()}")


@check("sweep --backends kmod skips every cell with the reason when the module is not loaded")
def kmod_sweep_skip():
    expect(not lsmod_has_module(), "the module is still loaded")
    directory = os.path.join(OUT, "sweep-kmod-unloaded")
    stdout, stderr, _ = pinbench("sweep", "--backends", "kmod", "--memory", "anon", "--sizes", "16M", "--threads", "1,2",
                                 "--reps", 1, "--warmup", 0, "--output", directory, rc=2)
    expect("no cell could run on this machine" in stderr, f"no summary of the skips: {stderr.strip()[-200:]}")
    skipped = open(os.path.join(directory, "skipped.jsonl")).read().splitlines()
    expect(len(skipped) == 5 and all("kernel module is not loaded" in line for line in skipped),
           f"{len(skipped)} skipped: {skipped[:1]}")


# --- The pinbench-dkms package ------------------------------------------------------------------

DKMS_DEB = os.environ.get("LAB_DKMS_DEB", "")
# What the package and dkms write: each gets a tmpfs-backed overlay (a bare tmpfs where the host
# has no such folder) for the check's length, so nothing of it reaches the later checks, and the
# host's root, which the guest sees through 9p, is never written. /lib is a link to usr/lib.
DKMS_PATHS = ("/usr/src", "/var/lib/dkms", "/usr/lib/modules")


def logged(step, command, timeout=600):
    """Runs a command that is not pinbench, as pinbench() does: its output in LOGS; returns it."""
    _log_index[0] += 1
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise CheckFailed(f"timed out after {timeout} s: {' '.join(command)}") from error
    with open(os.path.join(LOGS, f"{_log_index[0]:02d}-{step}.log"), "w") as log:
        log.write(f"$ {' '.join(command)}\n# exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")
    return done


class Overlays:
    """Mounts a writable layer over each of these folders and takes them all away, also on failure."""

    def __init__(self, paths):
        self.paths = paths
        self.mounted = []
        self.made = []

    def mount(self, *arguments):
        done = subprocess.run(["mount", *arguments], capture_output=True, text=True)
        expect(done.returncode == 0, f"mount {' '.join(arguments)}: {done.stderr.strip()}")
        self.mounted.append(arguments[-1])

    def __enter__(self):
        try:
            self.uppers = tempfile.mkdtemp(prefix="lab-dkms-")
            self.mount("-t", "tmpfs", "lab-dkms", self.uppers)
            for index, path in enumerate(self.paths):
                if not os.path.isdir(path):
                    os.makedirs(path)
                    self.made.append(path)
                    self.mount("-t", "tmpfs", "lab-dkms", path)
                    continue
                upper, work = (os.path.join(self.uppers, f"{index}-{part}") for part in ("upper", "work"))
                os.makedirs(upper)
                os.makedirs(work)
                self.mount("-t", "overlay", "lab-dkms", "-o", f"lowerdir={path},upperdir={upper},workdir={work}", path)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_):
        for path in reversed(self.mounted):
            if subprocess.run(["umount", path], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", path], capture_output=True)
        for path in reversed(self.made):
            os.rmdir(path)
        os.rmdir(self.uppers)


def dkms_status():
    done = subprocess.run(["dkms", "status"], capture_output=True, text=True)
    return [line for line in done.stdout.splitlines() if line.startswith("pinbench/")]


@check("dkms: the pinbench-dkms package builds the module against this kernel, modprobe loads it, "
       "a --backend kmod run verifies, prerm removes it")
def dkms_package():
    require(DKMS_DEB, "LAB_DKMS_DEB names no pinbench-dkms .deb (scripts/lab.sh test passes it on from the host)")
    expect(os.path.isfile(DKMS_DEB), f"LAB_DKMS_DEB={DKMS_DEB} is not a file")
    expect(shutil.which("dkms"), "no dkms on the host (scripts/lab.sh build installs it)")
    tree = kernel_tree()
    expect(tree and os.path.isdir(os.path.join(tree, "include")), f"no kernel tree for this kernel: {tree}")
    version = subprocess.run(["dpkg-deb", "-f", DKMS_DEB, "Version"], capture_output=True, text=True).stdout.strip()
    expect(version, f"{DKMS_DEB} has no Version")
    release = os.uname().release
    # The suite's own build of the module (insmod of kmod/) must not answer for the package's.
    if lsmod_has_module():
        done = subprocess.run(["rmmod", "pinbench_kmod"], capture_output=True, text=True)
        expect(done.returncode == 0, f"rmmod of the suite's module: {done.stderr.strip()}")
    times = {}
    control = tempfile.mkdtemp(prefix="lab-dkms-control-")
    try:
        with Overlays(DKMS_PATHS):
            # Unpacked beside, then copied in: dpkg-deb -x / would set the read-only root's own
            # times and owner, and fail.
            unpacked = os.path.join(control, "root")
            for step, option, where in (("dpkg-deb-x", "-x", unpacked), ("dpkg-deb-e", "-e", control)):
                done = logged(step, ["dpkg-deb", option, DKMS_DEB, where])
                expect(done.returncode == 0, f"dpkg-deb {option}: {done.stderr.strip()}")
            files = [os.path.relpath(os.path.join(folder, name), unpacked)
                     for folder, _, names in os.walk(unpacked) for name in names]
            # Its documentation (copyright, changelog) is not the module's business.
            outside = [name for name in files if not name.startswith(("usr/src/", "usr/share/doc/pinbench-dkms/"))]
            expect(any(name.startswith("usr/src/") for name in files) and not outside,
                   f"the package has files outside /usr/src and its doc folder (only /usr/src is overlaid here): {outside[:5]}")
            shutil.copytree(os.path.join(unpacked, "usr/src"), "/usr/src", symlinks=True, dirs_exist_ok=True)
            source = f"/usr/src/pinbench-{version}"
            for name in ("dkms.conf", "Makefile", "Kbuild", "pinbench_kmod.c", "uapi/pinbench_kmod.h"):
                expect(os.path.isfile(os.path.join(source, name)), f"the package has no {source}/{name}")
            # What a linux-headers package would give: the build link to this kernel's tree.
            modules = f"/usr/lib/modules/{release}"
            os.makedirs(modules, exist_ok=True)
            if os.path.lexists(f"{modules}/build"):
                os.remove(f"{modules}/build")
            os.symlink(tree, f"{modules}/build")
            start = time.time()
            # As apt runs it, without a terminal: common.postinst loads debconf.
            done = logged("postinst", ["env", "DEBIAN_FRONTEND=noninteractive", os.path.join(control, "postinst"),
                                       "configure"], timeout=1200)
            times["postinst configure (dkms add, build, install)"] = time.time() - start
            if done.returncode != 0:
                log = f"/var/lib/dkms/pinbench/{version}/build/make.log"
                lines = open(log).read().strip().splitlines() if os.path.exists(log) else []
                tail = [line for line in lines if "error:" in line][:3] or lines[-6:]
                raise CheckFailed(f"postinst configure exited {done.returncode}: "
                                  f"{(done.stdout + done.stderr).strip()[-300:]} {' / '.join(tail)}")
            status = dkms_status()
            expect(status == [f"pinbench/{version}, {release}, {os.uname().machine}: installed"],
                   f"dkms status after postinst: {status}")
            start = time.time()
            done = logged("modprobe", ["modprobe", "pinbench_kmod"])
            times["modprobe"] = time.time() - start
            expect(done.returncode == 0 and lsmod_has_module(), f"modprobe pinbench_kmod: {done.stderr.strip()}")
            path = subprocess.run(["modinfo", "-n", "pinbench_kmod"], capture_output=True, text=True).stdout.strip()
            expect(re.search(rf"/modules/{re.escape(release)}/updates/dkms/pinbench_kmod\.ko$", path),
                   f"modinfo -n pinbench_kmod: {path!r}, not under {release}'s updates/dkms")
            for _ in range(50):  # devtmpfs makes the node asynchronously
                if os.path.exists("/dev/pinbench"):
                    break
                time.sleep(0.1)
            expect(os.path.exists("/dev/pinbench"), "no /dev/pinbench after modprobe")
            start = time.time()
            records, _ = kmod_run("anon", size="16M")
            times["run --backend kmod (anon, 16M, 2 threads, 3 strategies)"] = time.time() - start
            done = subprocess.run(["rmmod", "pinbench_kmod"], capture_output=True, text=True)
            expect(done.returncode == 0 and not lsmod_has_module(), f"rmmod: {done.stderr.strip()}")
            start = time.time()
            done = logged("prerm", [os.path.join(control, "prerm"), "remove"])
            times["prerm remove"] = time.time() - start
            expect(done.returncode == 0, f"prerm remove exited {done.returncode}: {(done.stdout + done.stderr).strip()[-300:]}")
            left = [os.path.join(folder, name) for folder, _, names in os.walk(modules) for name in names
                    if name.startswith("pinbench_kmod.ko")]
            expect(not left, f"prerm left {left}")
            expect(not dkms_status(), f"dkms status after prerm: {dkms_status()}")
            expect(not os.path.exists(f"/var/lib/dkms/pinbench/{version}"), "prerm left the version in dkms's tree")
    finally:
        if lsmod_has_module():
            subprocess.run(["rmmod", "pinbench_kmod"], capture_output=True)
        shutil.rmtree(control, ignore_errors=True)
    lines = [f"pinbench-dkms {version} ({os.path.basename(DKMS_DEB)}) against {release}: "
             f"{len(records)} verified records from {path}"] + [f"- {step}: {seconds:.0f} s" for step, seconds in times.items()]
    save("dkms.txt", "\n".join(lines))
    REPORT.append("## pinbench-dkms (TCG)\n\n" + "\n".join(lines))


def gup_test(*arguments):
    """Runs the kernel's own gup_test; returns [(get_us, put_us)] per repetition."""
    binary = os.environ.get("LAB_GUP_TEST", "")
    require(os.path.exists("/sys/kernel/debug/gup_test"), "this kernel has no /sys/kernel/debug/gup_test (CONFIG_GUP_TEST)")
    require(binary and os.access(binary, os.X_OK), "no gup_test binary was built from this kernel's tree "
            "(see gup_test.log in its lab cache folder)")
    done = subprocess.run([binary, *arguments], capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    _log_index[0] += 1
    save(os.path.join("logs", f"{_log_index[0]:02d}-gup_test.log"), " ".join([binary, *arguments]) + "\n" + output)
    expect(done.returncode == 0, f"gup_test {' '.join(arguments)} exited {done.returncode}: {output.strip()[-300:]}")
    times = [(int(get), int(put)) for get, put in re.findall(r"get:\s*(\d+)\s+put:\s*(\d+)", output)]
    expect(times, f"gup_test printed no get/put times: {output.strip()[-300:]}")
    return times


@check("gup_test (the kernel's own): long-term pins of 64M of hugetlb-2m and of anon in one call each, "
       "get and put timed by the kernel")
def kernel_gup_test():
    lines = []
    with HugepagesReserved(40):
        hugetlb = gup_test("-L", "-H", "-m", "64", "-n", "-1", "-r", "5")
    anon = gup_test("-L", "-m", "64", "-n", "-1", "-r", "5")
    for name, times in (("hugetlb-2m", hugetlb), ("anon", anon)):
        expect(len(times) == 5, f"{name}: {len(times)} repetitions reported, 5 asked")
        gets = sorted(get for get, _ in times)
        puts = sorted(put for _, put in times)
        lines.append(f"{name}: get median {gets[2]} us, put median {puts[2]} us (of 5)")
    REPORT.append(f"## gup_test on {os.uname().release}\n\n" + "\n".join(lines))


def lock_debugging_on():
    with open("/proc/lockdep_stats") as stats:
        return any(line.split(":")[0].strip() == "debug_locks" and line.split(":")[1].strip() == "1" for line in stats)


if os.path.exists("/proc/lockdep_stats"):  # a debug kernel (lab/debug.config) only
    @check("kmod on a debug kernel: lockdep still on after the module's checks, and no report names the module")
    def kmod_debug_clean():
        log = subprocess.run(["dmesg"], capture_output=True, text=True).stdout
        reports = [line for line in log.splitlines()
                   if re.search(r"BUG:|WARNING:|possible circular|sleeping function called|KASAN", line)]
        # A report names the module in its call trace: "pb_work+0x1c/0x2a0 [pinbench_kmod]".
        ours = [line for line in log.splitlines() if re.search(r"\[pinbench_kmod\]|\bpb_\w+\+0x", line)]
        expect(not ours, f"a kernel report names the module: {ours[:3]}")
        expect(lock_debugging_on(), "lock debugging is off (a report or taint turned it off), so lockdep did not watch "
               f"the module: {reports[:3]}")
        REPORT.append("## debug kernel\n\nlockdep on to the end; kernel reports: " + ("; ".join(reports) or "none"))


# --- Dirty tracking (--dirty-tracking) ----------------------------------------------------------

DIRTY_STEPS = [("dirtyStartSeconds", "start"), ("dirtyReadNoClearSeconds", "read (no clear)"),
               ("dirtyReadSeconds", "read"), ("dirtyReadAfterClearSeconds", "read after clear"),
               ("dirtyStopSeconds", "stop"), ("dirtyUnmapWithBitmapSeconds", "unmap with bitmap")]
DIRTY_RESULTS = []  # (tracker, memory, size, record) of every verified dirty-tracking run


def kernel_tree():
    """The lab kernel's own tree: LAB_KERNEL_TREE (from lab.sh), else beside its gup_test in the
    cache folder, else the cache folder whose build matches this kernel's release."""
    tree = os.environ.get("LAB_KERNEL_TREE", "")
    if os.path.isdir(tree):
        return tree
    binary = os.environ.get("LAB_GUP_TEST", "")
    if binary:
        tree = os.path.join(os.path.dirname(binary), "linux")
        if os.path.isdir(tree):
            return tree
    release = os.uname().release
    cache = os.path.expanduser("~/.cache/pinbench/lab")
    for entry in sorted(os.listdir(cache)) if os.path.isdir(cache) else []:
        tree = os.path.join(cache, entry, "linux")
        try:
            with open(os.path.join(tree, "include/config/kernel.release")) as file:
                if file.read().strip() == release:
                    return tree
        except OSError:
            continue
    return None


@check("dirty tracking: PinBench's IOMMU_TEST_CMD subset (op numbers, offsets, size) matches this kernel's own iommufd_test.h")
def dirty_mock_uapi():
    tree = kernel_tree()
    require(tree, "no kernel tree for this kernel in the lab cache")
    done = subprocess.run(["sh", "scripts/check-mock-uapi.sh", tree], capture_output=True, text=True, timeout=120)
    output = (done.stdout + done.stderr).strip()
    save(os.path.join("logs", "mock-uapi.log"), output)
    expect(done.returncode == 0, f"scripts/check-mock-uapi.sh {tree} exited {done.returncode}: {output[-400:]}")
    REPORT.append(f"## mock uAPI on {os.uname().release}\n\n{output}")


def dirty_run(tracker, memory, size):
    """One verified dirty-tracking run (single, one rep, no warm-up: TCG is slow); returns its record."""
    vfio = {"type1": ["--vfio", f"type1:{GROUP}"], "iommufd-mock": []}[tracker]
    stdout, stderr, _ = pinbench("run", "--backend", "vfio", *vfio, "--dirty-tracking", tracker, "--memory", memory,
                                 "--size", size, "--strategy", "single", "--reps", "1", "--warmup", "0", "--json",
                                 timeout=1500)
    records = records_of(stdout)
    expect(len(records) == 1, f"{len(records)} records, wanted 1")
    record = records[0]
    expect(record["verified"], f"did not verify: {record['pinnedCheck']}; {record['unpinnedCheck']}; {record.get('error')}")
    metrics = (record.get("backendMetrics") or {}).get("values", {})
    notes = (record.get("backendMetrics") or {}).get("notes", {})
    pages = record["sizeBytes"] // 4096
    check_text = record["pinnedCheck"]
    wanted = ["dirtyStartSeconds", "dirtyReadSeconds", "dirtyReadAfterClearSeconds", "dirtyStopSeconds"]
    if tracker == "type1":
        wanted.append("dirtyUnmapWithBitmapSeconds")
        expect(f"GET_BITMAP at 4K: {pages} of {pages} pages dirty (all wanted)" in check_text,
               f"type1's bitmap did not mark exactly the {pages} pinned pages: {check_text[-600:]}")
        expect(f"UNMAP_DMA with GET_DIRTY_BITMAP: {pages} of {pages} pages dirty (all wanted)" in check_text,
               f"type1's unmap bitmap did not mark exactly the pinned pages: {check_text[-600:]}")
        sizes = notes.get("dirtyBitmapPageSizes", "")
        expect("4K taken" in sizes, f"type1 did not take 4K bitmaps: {sizes!r}")
    else:
        wanted.append("dirtyReadNoClearSeconds")
        expect("MOCK" in notes.get("dirtyTracker", "") and "MOCK" in check_text and "MOCK" in (record.get("vfio") or ""),
               f"the mock's record is not marked MOCK: {notes.get('dirtyTracker')!r}, {record.get('vfio')!r}")
        for read in ("GET_DIRTY_BITMAP(NO_CLEAR)", "NO_CLEAR again", "GET_DIRTY_BITMAP (clearing)"):
            expect(re.search(re.escape(read) + r": \d+ of \d+ pages dirty, \d+ marked", check_text),
                   f"no pattern check of {read}: {check_text[-600:]}")
        expect(f"read after the clearing read: 0 of {pages} pages dirty (none wanted)" in check_text,
               f"a read after the clearing read found bits: {check_text[-600:]}")
        expect("Dirty" in stderr or "dirty tracking" in stderr, "run's table has no dirty-tracking table")
        expect("MOCK" in table_of(stderr), "run's tables do not mark the mock")
    missing = [name for name in wanted if not metrics.get(name, 0) > 0]
    expect(not missing, f"steps without a time: {missing}")
    expect(metrics.get("dirtyBitmapBytes") == pages // 8, f"bitmap bytes {metrics.get('dirtyBitmapBytes')}, wanted {pages // 8}")
    expect(metrics.get("copyBandwidthBytesPerSecond", 0) > 0, "no copy bandwidth for the floor")
    DIRTY_RESULTS.append((tracker, memory, size, record))
    publish(f"dirty-{tracker}-{memory}-{size}.md", f"dirty tracking, {tracker}, {memory}, {size}", table_of(stderr))
    return record


def hardware_iommu():
    """Whether a hardware (here emulated VT-d) IOMMU is on: it claims the mock's device first."""
    return os.path.isdir("/sys/class/iommu") and any(name.startswith("dmar") for name in os.listdir("/sys/class/iommu"))


_mock_probe = []


def mock_refusal():
    """Why the mock domain cannot be used in this boot, or None. Up to 6.x a device without a
    firmware node is probed by the first IOMMU registered without one, the emulated VT-d, which
    refuses the mock's device; 7.x adds it to the mock IOMMU itself (iommu_mock_device_add)."""
    if not _mock_probe:
        _, stderr, rc = pinbench("run", "--backend", "vfio", "--dirty-tracking", "iommufd-mock", "--memory", "anon",
                                 "--size", "4M", "--strategy", "single", "--reps", "1", "--warmup", "0", rc=None)
        refused = rc == 2 and "got no IOMMU" in stderr
        _mock_probe.append("the emulated VT-d claims the mock's device in this boot (pinbench: exit 2, \"the mock device got "
                           "no IOMMU\"): LAB_APPEND=intel_iommu=off scripts/lab.sh test iommufd-mock" if refused else None)
    return _mock_probe[0]


TYPE1_BOOT = "type1 needs the emulated VT-d: run it in the lab's default boot (intel_iommu=on)"


for _tracker in ("type1", "iommufd-mock"):
    for _memory in ("anon", "thp", "hugetlb-2m"):
        for _size in ("256M", "1G"):
            def _make_dirty(tracker=_tracker, memory=_memory, size=_size):
                def dirty_check():
                    if tracker == "type1":
                        require(hardware_iommu() and GROUP, TYPE1_BOOT)
                    else:
                        reason = mock_refusal()
                        require(reason is None, reason)
                    if memory == "hugetlb-2m":
                        with HugepagesReserved({"256M": 136, "1G": 520}[size]):
                            dirty_run(tracker, memory, size)
                    else:
                        dirty_run(tracker, memory, size)
                return dirty_check
            what = ("type1: every bitmap marks exactly the pinned pages" if _tracker == "type1"
                    else "iommufd MOCK domain: the marked pattern read back, NO_CLEAR keeps it, a clearing read empties it")
            check(f"dirty tracking {_tracker} on {_memory} {_size}: {what}; each step timed")(_make_dirty())


@check("dirty tracking iommufd-mock beside the emulated VT-d: where VT-d claims the mock's device, refused in one line naming intel_iommu=off, exit 2")
def dirty_mock_refused():
    require(hardware_iommu(), "no hardware IOMMU in this boot: the mock domain works here")
    require(mock_refusal() is not None, "this kernel gives the mock device the mock IOMMU (iommu_mock_device_add): "
            "the mock works beside VT-d")
    _, stderr, _ = pinbench("run", "--backend", "vfio", "--dirty-tracking", "iommufd-mock", "--memory", "anon", "--size", "16M",
                            "--strategy", "single", "--reps", "1", "--warmup", "0", rc=2)
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    expect(len(lines) == 1 and "intel_iommu=off" in lines[0], f"the refusal does not say how: {stderr[-400:]}")


@check("dirty tracking iommufd on the emulated VT-d: refused with the reason in one line, exit 2")
def dirty_iommufd_refused():
    require(hardware_iommu() and CDEV, TYPE1_BOOT.replace("type1", "iommufd on a device"))
    _, stderr, _ = pinbench("run", "--backend", "vfio", "--vfio", f"iommufd:{CDEV}", "--dirty-tracking", "iommufd",
                            "--memory", "anon", "--size", "16M", "--strategy", "single", "--reps", "1", "--warmup", "0", rc=2)
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    expect(len(lines) == 1, f"the refusal is {len(lines)} lines: {stderr[-400:]}")
    expect("IOMMU_HW_CAP_DIRTY_TRACKING" in lines[0] or "IOMMU_HWPT_ALLOC(DIRTY_TRACKING)" in lines[0],
           f"the refusal does not say why: {lines[0]}")
    REPORT.append(f"## dirty tracking iommufd on {os.uname().release}\n\n`{lines[0]}`")


@check("dirty tracking in sweep: type1 (with VT-d) and the MOCK domain (where it works) leave verified sets whose summary.md has the dirty table")
def dirty_sweep():
    trackers = [("type1", ["--vfio", f"type1:{GROUP}"])] if hardware_iommu() and GROUP else []
    if mock_refusal() is None:
        trackers.append(("iommufd-mock", []))
    for tracker, vfio in trackers:
        directory = os.path.join(OUT, f"sweep-dirty-{tracker}")
        pinbench("sweep", "--backends", "vfio", *vfio, "--dirty-tracking", tracker, "--memory", "anon,thp",
                 "--sizes", "64M", "--threads", "1", "--strategies", "single", "--reps", "1", "--warmup", "0",
                 "--output", directory, timeout=900)
        with open(os.path.join(directory, "runs.jsonl")) as file:
            runs = [json.loads(line) for line in file if line.strip()]
        expect(runs and all(run["verified"] for run in runs), f"{tracker}: unverified runs in the set")
        with open(os.path.join(directory, "summary.md")) as file:
            summary = file.read()
        expect("Dirty tracking:" in summary and "read after clear" in summary, f"{tracker}: summary.md has no dirty table")
        if tracker == "iommufd-mock":
            expect("MOCK" in summary, "the mock sweep's summary does not say MOCK")


@check("dirty tracking: the per-GiB table of every tracker, memory and size beside the copy floor")
def dirty_table():
    require(DIRTY_RESULTS, "no dirty-tracking run verified in this suite run")
    columns = ["tracker", "memory", "size"] + [label for _, label in DIRTY_STEPS] + ["plain unmap", "floor (read)"]
    rows = []
    for tracker, memory, size, record in DIRTY_RESULTS:
        metrics = record["backendMetrics"]["values"]
        gib = record["sizeBytes"] / (1 << 30)
        cells = [f"{tracker} (MOCK)" if tracker == "iommufd-mock" else tracker, memory, size]
        for name, _ in DIRTY_STEPS:
            cells.append(f"{metrics[name] / gib * 1e3:.3f} ms" if name in metrics else "-")
        cells.append(f"{record['unpinSeconds'] / gib * 1e3:.1f} ms" if tracker == "type1" else "-")
        floor = metrics["dirtyBitmapBytes"] / gib / metrics["copyBandwidthBytesPerSecond"]
        cells.append(f"{floor * 1e6:.2f} us")
        rows.append("| " + " | ".join(cells) + " |")
    text = (f"Per GiB of mapped memory, one run each (TCG, {os.uname().release}: ratios and shape, never speed). "
            "MOCK rows are iommufd's selftest mock domain: the kernel's bitmap walk and copy-out, never an IOMMU's.\n\n"
            + markdown_table(columns, rows))
    publish("dirty-per-gib.md", f"dirty tracking per GiB on {os.uname().release}", text)


# --- Main ------------------------------------------------------------------------------------

def main():
    print(f"lab suite: {len(CHECKS)} checks; group {GROUP or '-'}, cdev {CDEV or '-'}, non-viable group "
          f"{NONVIABLE or '-'}; output in {OUT}", flush=True)
    # The guest kernel starts with NUMA balancing on; placements are checked with it off, and
    # the hold check turns it on for itself.
    write("/proc/sys/kernel/numa_balancing", 0)
    passed = failed = skipped = 0
    print(f"lab suite: kernel {os.uname().release} ({os.environ.get('LAB_KERNEL_SOURCE', 'unknown source')})", flush=True)
    wanted = sys.argv[1:]
    for name, function in CHECKS:
        if wanted and not any(word in name for word in wanted):
            continue
        start = time.time()
        try:
            function()
            passed += 1
            print(f"ok   {name} ({time.time() - start:.0f} s)", flush=True)
            RESULTS.append((name, "ok", ""))
        except CheckSkipped as reason:
            skipped += 1
            print(f"skip {name}: {reason} (on {os.uname().release})", flush=True)
            RESULTS.append((name, "skip", str(reason)))
        except CheckFailed as error:
            failed += 1
            print(f"FAIL {name} ({time.time() - start:.0f} s): {error}", flush=True)
            RESULTS.append((name, "FAIL", str(error)))
        except Exception as error:  # a bug in the check itself still counts, and says where
            failed += 1
            where = traceback.format_exc().strip().splitlines()[-3:]
            print(f"FAIL {name}: {type(error).__name__}: {error} ({' / '.join(where)})", flush=True)
            RESULTS.append((name, "FAIL", str(error)))
    save("report.md", "\n\n".join(REPORT))
    summary = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
    save("suite-summary.txt", "\n".join(f"{status} {name} {detail}" for name, status, detail in RESULTS) + "\n" + summary)
    print(summary, flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
