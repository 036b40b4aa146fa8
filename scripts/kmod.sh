#!/usr/bin/env bash
# PinBench's kernel module (kmod/, /dev/pinbench) on the machine you run it on.
#
#   scripts/kmod.sh build     build kmod/ against /lib/modules/$(uname -r)/build (KDIR overrides)
#   scripts/kmod.sh load      build if needed, then insmod (root)
#   scripts/kmod.sh unload    rmmod (refused while a /dev/pinbench file is open)
#   scripts/kmod.sh status    loaded or not, /dev/pinbench, and what the kernel supports
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"

KMOD_DIR="$PINBENCH_ROOT/kmod"
KMOD_NAME=pinbench_kmod
# pin_user_pages_remote() with its int *locked argument and FOLL_LONGTERM on remote mms.
KMOD_MIN_KERNEL=6.5

kmod_die() { echo "kmod: error: $1" >&2; exit "${2:-1}"; }
kmod_say() { echo "kmod: $*" >&2; }

release="$(uname -r)"
KDIR="${KDIR:-/lib/modules/$release/build}"

version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

check_kernel() {
    local version="${release%%-*}"
    version_at_least "$version" "$KMOD_MIN_KERNEL" \
        || kmod_die "kernel $release is older than $KMOD_MIN_KERNEL, which the module needs (pin_user_pages_remote with a locked argument)" 2
    if [ ! -e /proc/modules ]; then
        kmod_die "this kernel ($release) cannot load modules (CONFIG_MODULES is off); the lab's kernel can: scripts/lab.sh run -- scripts/kmod.sh load" 2
    fi
}

cmd_build() {
    if [ ! -d "$KDIR" ] || [ ! -f "$KDIR/Makefile" ]; then
        local package="linux-headers-$release"
        if [ "${KDIR}" = "/lib/modules/$release/build" ]; then
            kmod_die "no kernel headers for $release at $KDIR: install them (apt-get install $package on Debian/Ubuntu), or give KDIR=<a built kernel tree>" 2
        fi
        kmod_die "KDIR=$KDIR is not a kernel build tree (no Makefile there)" 2
    fi
    kmod_say "building $KMOD_NAME.ko against $KDIR"
    make -C "$KMOD_DIR" KDIR="$KDIR" >/dev/null || kmod_die "the module build failed (run: make -C kmod KDIR=$KDIR)"
    kmod_say "built $KMOD_DIR/$KMOD_NAME.ko"
}

loaded() { grep -q "^$KMOD_NAME " /proc/modules 2>/dev/null; }

cmd_load() {
    check_kernel
    if loaded; then kmod_say "$KMOD_NAME is loaded already"; return 0; fi
    [ -f "$KMOD_DIR/$KMOD_NAME.ko" ] || cmd_build
    as_root insmod "$KMOD_DIR/$KMOD_NAME.ko" || kmod_die "insmod failed: see dmesg (a module built for another kernel? rebuild with scripts/kmod.sh build)"
    kmod_say "loaded: /dev/pinbench"
}

cmd_unload() {
    loaded || { kmod_say "$KMOD_NAME is not loaded"; return 0; }
    as_root rmmod "$KMOD_NAME" || kmod_die "rmmod refused: a process still has /dev/pinbench open (it unpins on close)" 1
    kmod_say "unloaded"
}

cmd_status() {
    echo "kernel: $release"
    if [ ! -e /proc/modules ]; then
        echo "modules: not supported by this kernel (CONFIG_MODULES off)"
    elif loaded; then
        echo "module: $KMOD_NAME loaded, $( [ -e /dev/pinbench ] && echo /dev/pinbench || echo 'no /dev/pinbench')"
    else
        echo "module: not loaded (scripts/kmod.sh load)"
    fi
    if [ -f "$KDIR/Makefile" ]; then echo "headers: $KDIR"; else echo "headers: none at $KDIR (apt-get install linux-headers-$release)"; fi
    if [ -f "$KMOD_DIR/$KMOD_NAME.ko" ]; then echo "built: $KMOD_DIR/$KMOD_NAME.ko"; else echo "built: no"; fi
}

case "${1:-}" in
    build) cmd_build ;;
    load) cmd_load ;;
    unload) cmd_unload ;;
    status) cmd_status ;;
    -h|--help|help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac
