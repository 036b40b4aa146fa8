#!/bin/sh
# Checks PinBench's subset of iommufd's private selftest uAPI (CPinSysIOMMUFDTest.h) against a
# kernel tree's own drivers/iommu/iommufd/iommufd_test.h: compiles lab/mock-uapi-check.c, whose
# static asserts compare every op number and offset PinBench uses. Exit 0 when they agree,
# 1 with the compiler's message when they drift, 2 when the tree lacks the header or it
# does not compile for another reason.
# Usage: scripts/check-mock-uapi.sh KERNEL_TREE   (the lab's: "$(scripts/lab.sh path)/linux")
set -eu
tree=${1:?usage: scripts/check-mock-uapi.sh KERNEL_TREE}
root=$(cd "$(dirname "$0")/.." && pwd)
header=$tree/drivers/iommu/iommufd/iommufd_test.h
[ -f "$header" ] || { echo "no $header: not a kernel tree with iommufd's selftest" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The tree's own <linux/iommufd.h> (the distribution's may lack it or be older), the
# system's <linux/types.h> (the tree's uapi one wants a kernel build's include paths).
mkdir -p "$out/linux"
cp "$tree/include/uapi/linux/iommufd.h" "$out/linux/"
if cc -std=gnu11 -Wall -fsyntax-only -I "$tree/drivers/iommu/iommufd" -I "$out" \
    -I "$root/Sources/CPinSys/include" "$root/lab/mock-uapi-check.c" 2>"$out/err"; then
    echo "mock uAPI: PinBench's IOMMU_TEST_CMD subset matches $header"
else
    echo "mock uAPI DRIFT: PinBench's IOMMU_TEST_CMD subset differs from $header:" >&2
    grep -E "error" "$out/err" | head -5 >&2
    grep -q "static assertion failed" "$out/err" || exit 2
    exit 1
fi
