"""Formats lab/map-table.sh's records: the pin-and-map table and the module's cost beside gup_test.

    python3 lab/map_table.py TABLE_DIR COST_DIR

Medians of the verified measured runs; a row with any unverified run says so. TCG: ratios only.
"""

import glob
import json
import os
import re
import statistics
import sys


def records(path):
    if not os.path.exists(path):
        return []
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.startswith("{")]


def ms(value):
    return "-" if value is None else f"{value * 1e3:.1f} ms"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def path_name(name, record):
    if name.endswith("-kmod-map"):
        return "module pin+map"
    if name.endswith("-kmod"):
        return "module pin only"
    if name.endswith("-iommufd-file"):
        return "iommufd MAP_FILE"
    if name.endswith("-iommufd"):
        return "iommufd IOAS_MAP"
    return "type1 MAP_DMA"


def table(directory):
    order = ["type1 MAP_DMA", "iommufd IOAS_MAP", "iommufd MAP_FILE", "module pin only", "module pin+map"]
    rows = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.jsonl"))):
        name = os.path.basename(path)[:-len(".jsonl")]
        for record in records(path):
            if record.get("warmup"):
                continue
            key = (record["memory"], path_name(name, record), record["strategy"])
            rows.setdefault(key, []).append(record)
    lines = ["| memory | path | strategy | verified | pin | x type1 single | in-kernel pin | gup (workers) | "
             "map (workers) | iommu_map calls | unpin | in-kernel unmap |",
             "| --- " * 12 + "|"]
    kinds = sorted({k[0] for k in rows}, key=lambda k: ["thp", "hugetlb-2m", "anon"].index(k)
                   if k in ("thp", "hugetlb-2m", "anon") else 9)
    for kind in kinds:
        base = median(r["pinSeconds"] for r in rows.get((kind, "type1 MAP_DMA", "single"), []) if r["verified"])
        keys = sorted((k for k in rows if k[0] == kind),
                      key=lambda k: (order.index(k[1]), ["single", "user", "kernel"].index(k[2])))
        for key in keys:
            runs = rows[key]
            good = [r for r in runs if r["verified"]]
            values = [r.get("backendMetrics", {}).get("values", {}) for r in good]
            pin = median(r["pinSeconds"] for r in good)
            ratio = f"{pin / base:.2f}x" if pin and base else "-"
            lines.append("| " + " | ".join([
                kind, key[1], key[2], f"{len(good)}/{len(runs)}", ms(pin), ratio,
                ms(median(v.get("inKernelPinSeconds") for v in values)),
                ms(median(v.get("inKernelGUPSeconds") for v in values)),
                ms(median(v.get("inKernelMapSeconds") for v in values)),
                str(int(median(v.get("mapCalls") for v in values))) if median(v.get("mapCalls") for v in values) else "-",
                ms(median(r["unpinSeconds"] for r in good)),
                ms(median(v.get("inKernelUnmapSeconds") for v in values)),
            ]) + " |")
    return "\n".join(lines)


def gup_test_gets(path):
    if not os.path.exists(path):
        return []
    return [int(get) for get in re.findall(r"get:\s*(\d+)\s+put:\s*\d+", open(path).read())]


def cost(directory):
    lines = ["| memory | what | pages per call | pin (userspace) | ioctl | setup | workers | gup | records | "
             "check | rest | pin / gup_test -w all |",
             "| --- " * 12 + "|"]
    for kind in ("thp", "hugetlb-2m"):
        reference = gup_test_gets(os.path.join(directory, f"gup_test-{kind}-w-all.txt"))
        ref = statistics.median(reference) / 1e6 if reference else None
        for label, calls in (("w", "all"), ("w", "512"), ("ro", "all"), ("ro", "512")):
            gets = gup_test_gets(os.path.join(directory, f"gup_test-{kind}-{label}-{calls}.txt"))
            if not gets:
                continue
            get = statistics.median(gets) / 1e6
            flavour = "gup_test -L" + (" -w" if label == "w" else "") + " (pin_user_pages, mmap lock held)"
            lines.append(f"| {kind} | {flavour} | {'131072 (-n -1)' if calls == 'all' else '512'} | - | - | - | - | "
                         f"{ms(get)} (n={len(gets)}) | - | - | - | {get / ref:.2f}x |" if ref else "")
        for batch in ("512", "131072"):
            runs = [r for r in records(os.path.join(directory, f"kmod-{kind}-{batch}.jsonl"))
                    if not r.get("warmup") and r["verified"]]
            if not runs:
                continue
            phases = [r["backendMetrics"]["inKernel"]["pin"][0]["call"].get("phases") or {} for r in runs]
            pin = median(r["pinSeconds"] for r in runs)

            def phase(key):
                return median(p.get(key) for p in phases)
            rest = phase("finishSeconds")
            lines.append("| " + " | ".join([
                kind, "module single, --gup remote (pin_user_pages_remote, FOLL_WRITE)", batch, ms(pin),
                ms(phase("ioctlSeconds")), ms(phase("setupSeconds")), ms(phase("workSeconds")),
                ms(phase("gupSeconds")), ms(phase("recordSeconds")), ms(phase("verifySeconds")), ms(rest),
                f"{pin / ref:.2f}x" if ref and pin else "-"]) + f" (n={len(runs)}) |")
    return "\n".join(line for line in lines if line)


if __name__ == "__main__":
    print(f"## Pin and map, one guest ({os.uname().release}, TCG: ratios, not speed)\n")
    print(table(sys.argv[1]))
    if len(sys.argv) > 2:
        print(f"\n## The module's single pin beside gup_test -L (512M, one thread, {os.uname().release})\n")
        print(cost(sys.argv[2]))
