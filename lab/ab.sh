#!/bin/bash
# Runs inside a lab guest for `scripts/lab.sh ab`: the same sweeps on whichever kernel booted,
# each into its own result set under $LAB_OUT, then the kernel's own gup_test. Reserves the
# 2 MiB pool and loads the module for the sweeps, and gives both back on any exit.
#
#   lab/ab.sh [SWEEP ARGUMENT...]   with arguments: one sweep of them, into $LAB_OUT/sweep
#   lab/ab.sh                       without: the default sweeps below
set -uo pipefail

PINBENCH="${PINBENCH:-.build/debug/pinbench}"
ab_say() { echo "lab ab: $*" >&2; }

pool=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
pool_before="$(cat "$pool")"
module_loaded=0
cleanup() {
    [ "$module_loaded" = 0 ] || rmmod pinbench_kmod 2>/dev/null || ab_say "could not unload pinbench_kmod"
    echo "$pool_before" >"$pool"
}
trap cleanup EXIT

# 512M regions of hugetlb-2m and memfd-hugetlb-2m need 256 pages each; one region at a time.
echo $((pool_before + ${LAB_AB_HUGEPAGES:-300})) >"$pool"
ab_say "kernel $(uname -r) (${LAB_KERNEL_SOURCE:-source unknown}); 2M pool $(cat "$pool")"
if [ -r kmod/pinbench_kmod.ko ] && insmod kmod/pinbench_kmod.ko; then
    module_loaded=1
else
    ab_say "the module did not load: its cells will be skipped with the reason"
fi

status=0
sweep() {
    local name="$1"; shift
    ab_say "sweep $name: $*"
    "$PINBENCH" sweep --output "$LAB_OUT/$name" "$@" || { ab_say "sweep $name exited $?"; status=1; }
}

if [ $# -gt 0 ]; then
    sweep sweep "$@"
else
    # What changed between 6.12 and 7.2 on the paths PinBench measures: type1's folio batching
    # (6.18), long-term GUP of large folios, iommufd's map, populate. Prefaulted, so the pin
    # phase times pinning (and mapping) alone; the adaptive rounds stop where the data is
    # tight enough or at the cap.
    common=(--sizes 512M --threads 2 --prefault --reps auto --max-reps 20 --seed 1)
    sweep type1 --backends vfio --vfio "type1:$LAB_VFIO_GROUP" --memory anon,thp,hugetlb-2m,memfd-hugetlb-2m \
        --strategies single,user "${common[@]}"
    sweep iommufd --backends vfio --vfio "iommufd:$LAB_VFIO_CDEV" --memory anon,thp,hugetlb-2m,memfd-hugetlb-2m \
        --strategies single,user "${common[@]}"
    sweep kmod --backends kmod --memory anon,thp,hugetlb-2m --strategies single,kernel "${common[@]}"
    sweep populate --backends populate --memory anon,thp,hugetlb-2m --strategies single "${common[@]}"
fi

# The kernel's own long-term pin benchmark beside PinBench: 512M in one call, 20 times.
if [ -n "${LAB_GUP_TEST:-}" ] && [ -e /sys/kernel/debug/gup_test ]; then
    for kind in hugetlb-2m anon; do
        flags=(-L -m 512 -n -1 -r 20)
        [ "$kind" = anon ] || flags=(-H "${flags[@]}")
        ab_say "gup_test ${flags[*]} ($kind)"
        "$LAB_GUP_TEST" "${flags[@]}" >"$LAB_OUT/gup_test-$kind.txt" 2>&1 || { ab_say "gup_test ($kind) failed"; status=1; }
    done
else
    ab_say "no gup_test on this kernel (CONFIG_GUP_TEST, or its binary): skipped"
fi
exit "$status"
