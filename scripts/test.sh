#!/usr/bin/env bash
# The test suite: installs what is missing, builds, and runs every test.
# As root, the hugetlb tests reserve a few 2 MiB pages and give them back; otherwise they skip.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
ensure_packages
ensure_swift
cd "$PINBENCH_ROOT"
swift build --build-tests
swift test
