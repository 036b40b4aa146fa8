#!/usr/bin/env bash
# The test suite: installs what is missing, builds, runs every unit test, then the lab suite
# (scripts/lab.sh test: the real VFIO, iommufd and NUMA paths in a QEMU guest), once on each of
# Debian's kernels, 6.12 and 7.2 (LAB_KERNELS="6.12 7.2"; the first run builds and caches each,
# about 8 and 10 minutes on 2 cores), and on 6.12 a second boot without the emulated VT-d for
# iommufd's mock domain (LAB_MOCK_BOOT_KERNELS). --no-lab skips the lab.
# As root, the hugetlb tests reserve a few 2 MiB pages and give them back; otherwise they skip.
# Between them every fuzz target runs briefly (scripts/fuzz.sh, PINBENCH_FUZZ_SECONDS each,
# default 20), so a crash its corpus already reaches fails CI; --no-fuzz skips that.
# After the unit tests, scripts/check-install.sh installs the debug build into a temporary
# PREFIX and checks its man pages and completions, then uninstalls it (under a minute;
# --no-install skips it). Then scripts/release.sh builds the release (the static binary, the
# tarball and both .debs, lintian-clean) and scripts/check-release.sh tries them on a minimal
# Debian without Swift (debootstrap, cached under ~/.cache/pinbench/rootfs); the lab suites then
# build and load the module from the pinbench-dkms package (LAB_DKMS_DEB). --no-release skips
# those. Before the tests, scripts/check-layers.py checks every import against
# Package.swift and the layer order (docs/architecture.md).
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
lab=1 fuzz=1 install=1 release=1
for argument in "$@"; do
    case "$argument" in
        --no-lab) lab=0 ;;
        --no-fuzz) fuzz=0 ;;
        --no-install) install=0 ;;
        --no-release) release=0 ;;
        *) echo "usage: scripts/test.sh [--no-lab] [--no-fuzz] [--no-install] [--no-release]" >&2; exit 64 ;;
    esac
done
ensure_packages
ensure_swift
cd "$PINBENCH_ROOT"
# Each stage says how long it took (CI's budget is kept stage by stage), and the total at the end.
TIMES=()
stage() {
    local name="$1" start=$SECONDS rc=0
    shift
    "$@" || rc=$?
    TIMES+=("$name $((SECONDS - start)) s")
    echo "test.sh: $name took $((SECONDS - start)) s$([ "$rc" = 0 ] || echo ", and failed (status $rc)")" >&2
    return "$rc"
}
trap '[ "${#TIMES[@]}" -eq 0 ] || echo "test.sh: stages: ${TIMES[*]/%/;} total $SECONDS s" >&2' EXIT
# Every target imports only what Package.swift declares, each layer only those below it. SwiftPM's
# own check is asked for too, though on Linux with Swift 6.3 it reports nothing; the script is
# what holds the rule (and its self-test proves it catches a planted break of each kind).
stage build swift build --build-tests --explicit-target-dependency-import-check error
python3 scripts/check-layers.py --self-test
python3 scripts/check-layers.py
stage "unit tests" swift test
if [ "$install" = 1 ]; then
    stage "install check" bash scripts/check-install.sh
fi
release_status=0
if [ "$release" = 1 ]; then
    ensure_packages lintian
    if stage release bash scripts/release.sh; then
        stage "clean system" bash scripts/check-release.sh || release_status=1
        dkms_deb="$(ls "$PINBENCH_ROOT"/dist/pinbench-dkms_*_all.deb 2>/dev/null | head -1)"
        [ -z "$dkms_deb" ] || export LAB_DKMS_DEB="$dkms_deb"
    else
        release_status=1
    fi
fi
if [ "$fuzz" = 1 ]; then
    stage fuzz bash scripts/fuzz.sh "${PINBENCH_FUZZ_SECONDS:-20}"
fi
if [ "$lab" = 1 ]; then
    # Every kernel's suite runs, even after one fails, so a failure names all the kernels it has.
    lab_status=0
    for kernel in ${LAB_KERNELS:-6.12 7.2}; do
        echo "lab: the suite on kernel $kernel" >&2
        stage "lab kernel $kernel" bash scripts/lab.sh --kernel "$kernel" build || lab_status=1
        stage "lab suite $kernel" bash scripts/lab.sh --kernel "$kernel" test || lab_status=1
        # Up to 6.x the emulated VT-d claims iommufd's mock device, so the suite skips the mock's
        # dirty-tracking checks (saying why) and they get a boot of their own without it.
        case " ${LAB_MOCK_BOOT_KERNELS-6.12} " in
            *" $kernel "*)
                stage "lab mock $kernel" env LAB_APPEND=intel_iommu=off LAB_OUT="$PWD/.lab/out-$kernel-mock" \
                    bash scripts/lab.sh --kernel "$kernel" test "dirty tracking iommufd-mock on" \
                    "dirty tracking: PinBench's IOMMU_TEST_CMD" "dirty tracking: the per-GiB" || lab_status=1 ;;
        esac
    done
    [ "$lab_status" = 0 ]
fi
[ "$release_status" = 0 ]
