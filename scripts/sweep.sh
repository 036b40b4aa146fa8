#!/usr/bin/env bash
# The main job: a default sweep on this machine (threads 1..CPUs; single, user and kernel;
# populate and mlock; anon, THP and 2 MiB hugetlb memory; a size that takes seconds per run),
# written as a result set under results/ and printed as its summary.md.
#
#   scripts/sweep.sh                          the default sweep
#   scripts/sweep.sh -- --threads 1..64 --memory thp,hugetlb-1g --label patched
#   scripts/sweep.sh -- --resume results/<set>
#
# Arguments after -- go to `pinbench sweep` (see `pinbench sweep --help`). As root, the hugetlb
# pages the sweep needs are reserved for it and given back at the end, also on failure or Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
source "$(dirname "$0")/lib/hugepages.sh"
source "$(dirname "$0")/lib/sweep-run.sh"

if [ "${1:-}" = "--" ]; then shift; elif [ $# -gt 0 ]; then
    echo "usage: scripts/sweep.sh [-- <pinbench sweep options>]" >&2
    exit 2
fi

PINBENCH_PACKAGES+=(gnuplot-nox)
ensure_packages
ensure_swift
cd "$PINBENCH_ROOT"

echo "pinbench: building (release)" >&2
swift build -c release --product pinbench >&2
pinbench="$(swift build -c release --show-bin-path)/pinbench"

status=0
sweep_run "$pinbench" "$@" || status=$?
exit "$status"
