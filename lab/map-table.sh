#!/bin/bash
# Runs inside a lab guest (scripts/lab.sh run ... -- lab/map-table.sh): the table of issue 26,
# one guest, the same memory: type1 single; iommufd single and user (and its file map where the
# kernel has it); the module pin-only and pin-and-map, single, user and kernel; every row
# verified. Then the module's single pin beside the kernel's gup_test -L, at the module's
# default and at matched settings, with the module's own phase breakdown. TCG: ratios, not speed.
#
#   lab/map-table.sh [SIZE [KIND...]]   (default 1G, thp hugetlb-2m anon; the kind "none" runs
#                                       only the module's cost beside gup_test; the guest does
#                                       not see the host's environment, so these are arguments)
set -uo pipefail

PINBENCH="${PINBENCH:-.build/debug/pinbench}"
size="${1:-1G}"
say() { echo "lab table: $*" >&2; }
pool=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
pool_before="$(cat "$pool")"
loaded=0
cleanup() {
    [ "$loaded" = 0 ] || rmmod pinbench_kmod 2>/dev/null || say "could not unload pinbench_kmod"
    echo "$pool_before" >"$pool"
}
trap cleanup EXIT
echo $((pool_before + 560)) >"$pool"
insmod kmod/pinbench_kmod.ko && loaded=1 || say "the module did not load"
[ -e "/sys/bus/pci/drivers/pinbench/$LAB_KMOD_BDF" ] || say "the module's edu $LAB_KMOD_BDF is not bound"

out="$LAB_OUT/map-table"
mkdir -p "$out"
common=(--size "$size" --threads 2 --prefault --reps 3 --warmup 1 --json)
status=0
row() {
    local name="$1"; shift
    say "$name: $*"
    "$PINBENCH" run "${common[@]}" "$@" >"$out/$name.jsonl" 2>"$out/$name.log" || { say "$name exited $?"; status=1; }
}
# iommufd's IOMMU_IOAS_MAP_FILE came in 6.13: on such a kernel its rows go beside IOAS_MAP's.
release="$(uname -r)"
major="${release%%.*}" rest="${release#*.}"
file_map=0
[ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "${rest%%[.-]*}" -ge 13 ]; } && file_map=1

shift || true
kinds="${*:-thp hugetlb-2m anon}"
[ "$kinds" = none ] && kinds=""
for kind in $kinds; do
    row "$kind-type1" --memory "$kind" --backend vfio --vfio "type1:$LAB_VFIO_GROUP" --strategy single
    row "$kind-iommufd" --memory "$kind" --backend vfio --vfio "iommufd:$LAB_VFIO_CDEV" --strategy single,user
    row "$kind-kmod" --memory "$kind" --backend kmod --strategy all
    row "$kind-kmod-map" --memory "$kind" --backend kmod --map-device "$LAB_KMOD_BDF" --strategy all
done
if [ "$file_map" = 1 ] && [ -n "$kinds" ]; then
    for kind in memfd memfd-hugetlb-2m hugetlbfs-2m; do
        row "$kind-iommufd" --memory "$kind" --backend vfio --vfio "iommufd:$LAB_VFIO_CDEV" --strategy single,user
        row "$kind-iommufd-file" --memory "$kind" --backend vfio --vfio "iommufd-file:$LAB_VFIO_CDEV" --strategy single,user
    done
fi

# The module's single pin beside gup_test -L: 512M, THP and hugetlb-2m, one thread.
cost="$LAB_OUT/kmod-cost"
mkdir -p "$cost"
if [ -n "${LAB_GUP_TEST:-}" ] && [ -e /sys/kernel/debug/gup_test ]; then
    for kind in thp hugetlb-2m; do
        flag=-t; [ "$kind" = hugetlb-2m ] && flag=-H
        # Interleaved: gup_test, then the module, five rounds, so drift hits both alike.
        for round in 1 2 3 4 5; do
            for calls in all 512; do
                n=-1; [ "$calls" = 512 ] && n=512
                "$LAB_GUP_TEST" -L -w "$flag" -m 512 -n "$n" -r 1 >>"$cost/gup_test-$kind-w-$calls.txt" 2>&1
                "$LAB_GUP_TEST" -L "$flag" -m 512 -n "$n" -r 1 >>"$cost/gup_test-$kind-ro-$calls.txt" 2>&1
            done
            for batch in 512 131072; do
                "$PINBENCH" run --backend kmod --strategy single --memory "$kind" --size 512M --prefault --reps 1 \
                    --warmup 1 --gup-batch "$batch" --json >>"$cost/kmod-$kind-$batch.jsonl" 2>>"$cost/kmod.log" || status=1
            done
        done
    done
else
    say "no gup_test on this kernel: the module's cost is not compared"
fi
python3 lab/map_table.py "$out" "$cost" >"$LAB_OUT/map-table.md" || status=1
cat "$LAB_OUT/map-table.md"
exit "$status"
