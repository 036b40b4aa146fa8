#!/usr/bin/env bash
# The test suite: installs what is missing, builds, runs every unit test, then the lab suite
# (scripts/lab.sh test: the real VFIO, iommufd and NUMA paths in a QEMU guest; its first run
# builds and caches the lab kernel, about 11 minutes on 2 cores). --no-lab skips the lab.
# As root, the hugetlb tests reserve a few 2 MiB pages and give them back; otherwise they skip.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
lab=1
for argument in "$@"; do
    case "$argument" in
        --no-lab) lab=0 ;;
        *) echo "usage: scripts/test.sh [--no-lab]" >&2; exit 64 ;;
    esac
done
ensure_packages
ensure_swift
cd "$PINBENCH_ROOT"
swift build --build-tests
swift test
if [ "$lab" = 1 ]; then
    bash scripts/lab.sh test
fi
