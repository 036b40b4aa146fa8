#!/usr/bin/env bash
# The lab: a QEMU guest with what this machine may lack (an emulated Intel IOMMU, QEMU's edu PCI
# device bound to vfio-pci, NUMA nodes, a kernel with CONFIG_IOMMUFD that loads modules), booted
# with virtme-ng on the host's own file system, so the host's build of pinbench runs inside.
# It runs under TCG (software emulation): its timings show behaviour, never publishable speed.
#
#   scripts/lab.sh build                 install what is missing, build and cache the kernel
#   scripts/lab.sh run [options] -- CMD  boot the guest and run CMD in it as root
#   scripts/lab.sh test                  the lab suite (lab/suite.py), one line per check
#
# This file is the one place that says how the guest is made: see guest_command below.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"

# --- What the lab is built from. Any change here or in a config fragment changes the cache key.
LAB_SOURCE_PACKAGE=linux-source-6.12
LAB_SOURCE_TARBALL=/usr/src/linux-source-6.12.tar.xz
LAB_VIRTME_NG_VERSION=1.42
LAB_FRAGMENT="$PINBENCH_ROOT/lab/kernel.config"
LAB_PACKAGES=(qemu-system-x86 "$LAB_SOURCE_PACKAGE" build-essential flex bison bc libelf-dev libssl-dev
    cpio kmod xz-utils python3 python3-venv util-linux)
LAB_CACHE="${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinbench/lab}"

lab_say() { echo "lab: $*" >&2; }
lab_die() { echo "lab: error: $1" >&2; exit "${2:-1}"; }

usage() {
    cat <<'EOF'
usage: scripts/lab.sh build
       scripts/lab.sh run [--nodes N] [--cpus N] [--memory SIZE] [--timeout SECONDS]
                          [--append KERNEL_ARG]... -- COMMAND [ARG...]
       scripts/lab.sh test [--timeout SECONDS] [WORD...]
       scripts/lab.sh path

build    Installs what is missing (QEMU, the kernel build packages, linux-source-6.12, virtme-ng
         in a virtual environment under the cache), then builds the lab kernel once and caches
         it under $LAB_CACHE (default ~/.cache/pinbench/lab/<version>-<config hash>/).
         LAB_CONFIG_EXTRA=FILE merges one more config fragment (and changes the cache key).
         LAB_APPEND="ARG ..." adds kernel arguments to the suite's boot (test).
run      Boots the guest under TCG (q35, intel-iommu, the edu device, N NUMA nodes sharing the
         memory and CPUs evenly, hugetlbfs mounted for 2M), binds edu to vfio-pci and runs
         COMMAND as root in this clone's folder, with LAB_VFIO_GROUP, LAB_VFIO_CDEV, LAB_NODES
         and LAB_OUT (read-write, on the host afterwards; default .lab/out in the clone) set.
         Exits with COMMAND's status; a guest still running after --timeout (default 600 s)
         is killed, and its last lines are shown. Defaults: --nodes 2, --cpus 2, --memory 4G.
test     Builds pinbench and the kernel if needed, then runs the lab suite in one guest.
         Prints one line per check and "N passed, N failed"; exits 0 only if all passed.
         WORDs run only the checks whose names contain one of them (e.g. test "lock models").
path     Prints the cache folder of the current kernel configuration.
EOF
}

# --- Set-up --------------------------------------------------------------------------------

ensure_lab_packages() {
    ensure_packages "${LAB_PACKAGES[@]}" \
        || lab_die "could not install ${LAB_PACKAGES[*]}; $LAB_SOURCE_PACKAGE is in Debian 12's security suite and Debian 13 (try: apt-cache policy $LAB_SOURCE_PACKAGE)"
    [ -r "$LAB_SOURCE_TARBALL" ] || lab_die "$LAB_SOURCE_TARBALL is missing although $LAB_SOURCE_PACKAGE is installed: reinstall it (apt-get install --reinstall $LAB_SOURCE_PACKAGE)"
}

# virtme-ng lives in a virtual environment of the lab's, never in the system Python.
ensure_virtme_ng() {
    local venv="$LAB_CACHE/venv"
    if [ ! -x "$venv/bin/vng" ] || [ "$("$venv/bin/vng" --version 2>/dev/null)" != "virtme-ng $LAB_VIRTME_NG_VERSION" ]; then
        lab_say "installing virtme-ng $LAB_VIRTME_NG_VERSION into $venv"
        mkdir -p "$LAB_CACHE"
        rm -rf "$venv"
        local python=/usr/bin/python3
        [ -x "$python" ] || python="$(command -v python3)"
        "$python" -m venv "$venv" || lab_die "python3 -m venv failed: install python3-venv (apt-get install python3-venv)"
        "$venv/bin/pip" install -q "virtme-ng==$LAB_VIRTME_NG_VERSION" \
            || lab_die "pip could not install virtme-ng $LAB_VIRTME_NG_VERSION from PyPI"
    fi
    # vng calls its helpers (virtme-configkernel, virtme-run) by name.
    export PATH="$venv/bin:$PATH"
}

source_version() { dpkg-query -W -f='${Version}' "$LAB_SOURCE_PACKAGE" 2>/dev/null || echo unknown; }

# The cache folder of this configuration: the source package's version and a hash of every
# input that changes the kernel (fragments, virtme-ng's version, this file's build recipe).
kernel_dir() {
    local extra="${LAB_CONFIG_EXTRA:-}"
    [ -z "$extra" ] || [ -r "$extra" ] || lab_die "LAB_CONFIG_EXTRA=$extra is not a readable file"
    local hash
    hash="$( { cat "$LAB_FRAGMENT"; [ -z "$extra" ] || cat "$extra"; echo "virtme-ng $LAB_VIRTME_NG_VERSION";
        sed -n '/^# --- recipe/,/^# --- end recipe/p' "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-12)"
    echo "$LAB_CACHE/$(source_version)-$hash"
}

# Every option the fragments set must be what the final .config has, or the lab is not the
# lab we think: a dependency kconfig could not satisfy is named here, not found in the guest.
check_config() {
    local config="$1"; shift
    local bad=()
    local line name value
    for fragment in "$@"; do
        while IFS= read -r line; do
            case "$line" in CONFIG_*=*) ;; *) continue ;; esac
            name="${line%%=*}"; value="${line#*=}"
            if [ "$value" = n ]; then
                grep -q "^$name=" "$config" && bad+=("$name=n")
            else
                grep -qx "$name=$value" "$config" || bad+=("$line")
            fi
        done < "$fragment"
    done
    if [ "${#bad[@]}" -gt 0 ]; then
        lab_die "the kernel config did not take: ${bad[*]} (a dependency is missing; see make menuconfig in $(dirname "$config"))"
    fi
}

# --- recipe (hashed into the cache key) ---
build_kernel() {
    local dir="$1"
    local tree="$dir/linux"
    local fragments=("$LAB_FRAGMENT")
    [ -z "${LAB_CONFIG_EXTRA:-}" ] || fragments+=("$(realpath "$LAB_CONFIG_EXTRA")")
    rm -rf "$tree"
    mkdir -p "$dir"
    lab_say "unpacking $LAB_SOURCE_TARBALL ($(source_version))"
    tar -xf "$LAB_SOURCE_TARBALL" -C "$dir"
    mv "$dir/linux-source-6.12" "$tree"
    local config_args=()
    for fragment in "${fragments[@]}"; do config_args+=(--config "$fragment"); done
    lab_say "configuring: virtme-ng's minimal config, then ${fragments[*]}"
    (cd "$tree" && vng --kconfig "${config_args[@]}" >"$dir/config.log" 2>&1) \
        || { tail -20 "$dir/config.log" >&2; lab_die "vng --kconfig failed (log: $dir/config.log)"; }
    # virtme-ng applies its own defaults after our fragments (debug info among them): merge
    # ours again, last, so they win.
    (cd "$tree" && scripts/kconfig/merge_config.sh -m .config "${fragments[@]}" >>"$dir/config.log" 2>&1 \
        && make olddefconfig >>"$dir/config.log" 2>&1) \
        || { tail -20 "$dir/config.log" >&2; lab_die "merging the config fragments failed (log: $dir/config.log)"; }
    check_config "$tree/.config" "${fragments[@]}"
    local jobs
    jobs="$(nproc)"
    lab_say "building bzImage and modules with $jobs jobs (about 8 minutes on 2 cores); log: $dir/build.log"
    local start=$SECONDS
    (cd "$tree" && make -j"$jobs" bzImage modules >"$dir/build.log" 2>&1) &
    local make_pid=$!
    while kill -0 "$make_pid" 2>/dev/null; do
        sleep 30
        kill -0 "$make_pid" 2>/dev/null || break
        lab_say "building: $(grep -c '^  CC' "$dir/build.log" || true) files compiled, $((SECONDS - start)) s"
    done
    if ! wait "$make_pid"; then
        grep -E 'error|Error' "$dir/build.log" | head -20 >&2
        lab_die "the kernel build failed (log: $dir/build.log)"
    fi
    cp "$tree/arch/x86/boot/bzImage" "$dir/bzImage"
    # What an out-of-tree module builds against is the tree itself (Module.symvers is there).
    make -s -C "$tree" kernelrelease >"$dir/kernelrelease"
    date -u +%FT%TZ >"$dir/complete"
    lab_say "built $(cat "$dir/kernelrelease") in $((SECONDS - start)) s: $dir/bzImage"
}
# --- end recipe ---

cmd_build() {
    ensure_packages
    ensure_lab_packages
    ensure_virtme_ng
    local dir
    dir="$(kernel_dir)"
    mkdir -p "$LAB_CACHE"
    # One build per cache at a time; a second caller waits, then finds it built.
    exec 9>"$LAB_CACHE/.build.lock"
    if ! flock -n 9; then
        lab_say "another build holds $LAB_CACHE/.build.lock; waiting for it"
        flock 9
    fi
    if [ -f "$dir/complete" ] && [ -r "$dir/bzImage" ]; then
        lab_say "kernel $(cat "$dir/kernelrelease") cached in $dir (built $(cat "$dir/complete"))"
    else
        build_kernel "$dir"
        prune_kernels "$dir"
    fi
    exec 9>&-
}

# Each build is about 2 GiB: keep the newest three (a debug build beside the plain one, and
# one more), remove older ones and half-built leftovers of other configurations.
prune_kernels() {
    local keep="$1" entry
    local kept=0
    while IFS= read -r entry; do
        [ "$entry" = "$keep" ] && continue
        if [ -f "$entry/complete" ] && [ "$kept" -lt 2 ]; then kept=$((kept + 1)); continue; fi
        lab_say "removing the older lab kernel build $entry"
        rm -rf "$entry"
    done < <(ls -1dt "$LAB_CACHE"/*-*/ 2>/dev/null | sed 's:/$::' | grep -v '/venv$')
}

# --- Running the guest ---------------------------------------------------------------------

# Splits memory M (as 4G or 4096M) and C CPUs over N nodes into vng --numa options, in the
# array NUMA (set here, in the caller's shell, so a refusal ends the command).
numa_options() {
    local nodes="$1" cpus="$2" memory="$3"
    local mib
    case "$memory" in
        [1-9]*G) mib=$(( ${memory%G} * 1024 )) ;;
        [1-9]*M) mib=${memory%M} ;;
        *) lab_die "--memory must be like 4G or 4096M, not $memory" 64 ;;
    esac
    [[ "$mib" =~ ^[0-9]+$ ]] || lab_die "--memory must be like 4G or 4096M, not $memory" 64
    [ "$cpus" -ge "$nodes" ] || lab_die "--nodes $nodes needs at least as many --cpus (got $cpus)" 64
    [ $(( mib % nodes )) -eq 0 ] || lab_die "--memory $memory does not split evenly over $nodes nodes" 64
    NUMA=()
    [ "$nodes" -gt 1 ] || return 0
    local per_node=$(( mib / nodes )) first=0 node count
    for ((node = 0; node < nodes; node++)); do
        count=$(( cpus / nodes + (node < cpus % nodes ? 1 : 0) ))
        NUMA+=(--numa "${per_node}M,cpus=$first-$(( first + count - 1 ))")
        first=$(( first + count ))
    done
}

cmd_run() {
    local nodes=2 cpus=2 memory=4G timeout=600 appends=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --nodes) nodes="$2"; shift 2 ;;
            --cpus) cpus="$2"; shift 2 ;;
            --memory) memory="$2"; shift 2 ;;
            --timeout) timeout="$2"; shift 2 ;;
            --append) appends+=("$2"); shift 2 ;;
            --) shift; break ;;
            -h|--help) usage; exit 0 ;;
            *) lab_die "unknown option $1 (see scripts/lab.sh --help)" 64 ;;
        esac
    done
    [ $# -gt 0 ] || lab_die "nothing to run: scripts/lab.sh run [options] -- COMMAND" 64
    for value in "$nodes" "$cpus" "$timeout"; do
        [[ "$value" =~ ^[1-9][0-9]*$ ]] || lab_die "--nodes, --cpus and --timeout take a positive whole number, not '$value'" 64
    done
    numa_options "$nodes" "$cpus" "$memory"
    command -v qemu-system-x86_64 >/dev/null 2>&1 || cmd_build
    local dir
    dir="$(kernel_dir)"
    [ -f "$dir/complete" ] || { lab_say "no kernel built for this configuration yet"; cmd_build; }
    ensure_virtme_ng
    # The guest needs QEMU's software emulation; KVM is neither needed nor used.
    qemu-system-x86_64 -accel help 2>/dev/null | grep -qx tcg \
        || lab_die "this QEMU cannot emulate (no TCG accelerator: qemu-system-x86_64 -accel help); the lab cannot run here"

    local out="${LAB_OUT:-$PINBENCH_ROOT/.lab/out}"
    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    case "$out$PINBENCH_ROOT" in
        *[[:space:]]*) lab_die "the clone's path and LAB_OUT may not contain spaces (virtme-ng passes them to a shell unquoted): $PINBENCH_ROOT, $out" 64 ;;
    esac
    rm -f "$out/.lab-status" "$out/.lab-started" "$out/.lab-command.sh"
    # The command travels as a script in LAB_OUT, not on the kernel command line (whose
    # length and quoting are limited).
    {
        echo "#!/bin/bash"
        printf 'export LAB_OUT=%q LAB_NODES=%q LAB_ROOT=%q\n' "$out" "$nodes" "$PINBENCH_ROOT"
        printf 'exec bash %q' "$PINBENCH_ROOT/lab/guest.sh"
        printf ' %q' "$@"
        echo
    } >"$out/.lab-command.sh"

    local console="$out/console.log"
    guest_command "$dir/bzImage" "$cpus" "$memory" "$out" "${appends[@]+"${appends[@]}"}"
    lab_say "booting $(cat "$dir/kernelrelease") under TCG: $nodes node(s), $cpus CPUs, $memory; LAB_OUT=$out"
    local rc attempt
    # The whole console goes to console.log; the terminal gets what the guest's command prints
    # (from guest.sh's first line on), without the kernel's timestamped messages, unless
    # LAB_VERBOSE=1. A guest that fails before that has its last lines shown below.
    # A boot that dies before guest.sh starts (a TCG timing flake in early boot) is retried
    # once: nothing of the command has run yet, so nothing is repeated.
    for attempt in 1 2; do
        rc=0
        (cd "$PINBENCH_ROOT" && timeout --kill-after=15 "$timeout" "${GUEST[@]}" "${NUMA[@]+"${NUMA[@]}"}" \
            --exec "bash $out/.lab-command.sh" </dev/null 2>&1 | tee "$console" | show_console; exit "${PIPESTATUS[0]}") || rc=$?
        [ ! -f "$out/.lab-status" ] && [ "$rc" != 124 ] && [ "$rc" != 137 ] && [ ! -f "$out/.lab-started" ] \
            && [ "$attempt" = 1 ] || break
        lab_say "the guest died while booting (status $rc), before the command started; its last lines:"
        tail -n 8 "$console" | sed 's/^/    /' >&2
        lab_say "booting once more"
        cp "$console" "$out/console-failed-boot.log"
    done
    if [ -f "$out/.lab-status" ]; then
        rc="$(cat "$out/.lab-status")"
    else
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            lab_say "the guest was still running after ${timeout} s and was killed; its last lines:"
        else
            lab_say "the guest ended (status $rc) before the command reported its status; its last lines:"
        fi
        tail -n 25 "$console" | sed 's/^/    /' >&2
        [ "$rc" != 0 ] || rc=1
    fi
    return "$rc"
}

# The console as the terminal shows it, line by line as it comes (awk would buffer a pipe).
show_console() {
    local line started=0
    while IFS= read -r line; do
        if [ "${LAB_VERBOSE:-0}" != 0 ]; then printf '%s\n' "$line"; continue; fi
        case "$line" in "lab guest: "*) started=1 ;; esac
        [ "$started" = 1 ] || continue
        [[ "$line" =~ ^\[\ *[0-9]+\.[0-9]+\]\  ]] || printf '%s\n' "$line"
    done
}

# How the guest is made, in one place: sets GUEST to the vng command line (NUMA options and
# the command are added by the caller).
guest_command() {
    local kernel="$1" cpus="$2" memory="$3" out="$4"; shift 4
    # no_timer_check: under TCG the IO-APIC timer check can miss its ticks and panic at boot
    # ("timer doesn't work through Interrupt-remapped IO-APIC"); the timer works regardless.
    local append="intel_iommu=on iommu=pt pinbench.lab=tcg transparent_hugepage=madvise no_timer_check $*"
    GUEST=(vng --run "$kernel"
        --disable-kvm            # nested KVM hangs in firmware here: software emulation (TCG)
        --disable-microvm        # q35, so there is a PCI bus for the IOMMU and the device
        --force-9p               # the host's root over 9p (virtiofsd is not there; vng would try it first)
        --verbose                # under TCG the command's output only comes back on the console
        --cpus "$cpus" --memory "$memory"
        --rwdir "$out"
        --append "$append"
        # The vIOMMU, the lab's device, and a second edu sharing a PCI bridge (so one IOMMU
        # group) with a virtio-rng that virtio-pci keeps: a group that is not viable.
        # (vng hands these to a shell unquoted: one line, no spaces inside a value.)
        --qemu-opts="-machine kernel-irqchip=split -device intel-iommu,intremap=on,caching-mode=on -device edu -device pci-bridge,id=lab-bridge,chassis_nr=1 -device edu,bus=lab-bridge,addr=0x1 -device virtio-rng-pci,bus=lab-bridge,addr=0x2")
}

cmd_test() {
    local timeout=1500 only=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --timeout) timeout="$2"; shift 2 ;;
            -*) lab_die "unknown option $1 (scripts/lab.sh test [--timeout SECONDS] [WORD...])" 64 ;;
            *) only+=("$1"); shift ;;
        esac
    done
    cmd_build
    ensure_swift
    lab_say "building pinbench"
    (cd "$PINBENCH_ROOT" && swift build --product pinbench >/dev/null) || lab_die "swift build failed"
    local binary
    binary="$(cd "$PINBENCH_ROOT" && swift build --show-bin-path)/pinbench"
    local out="${LAB_OUT:-$PINBENCH_ROOT/.lab/out}"
    rm -rf "$out"
    mkdir -p "$out"
    lab_say "building kmod/ against the lab kernel"
    make -s -C "$PINBENCH_ROOT/kmod" KDIR="$(kernel_dir)/linux" >"$out/kmod-build.log" 2>&1 \
        || lab_say "kmod/ did not build (its checks will fail): $(tail -3 "$out/kmod-build.log")"
    local rc=0 append="${LAB_APPEND:-}"
    # Under TCG with 5-level paging, KASAN reports a wild access in an early-boot interrupt
    # (identify_cpu, before any module loads) and that report turns lockdep off for the whole
    # boot: a KASAN kernel boots with 4-level tables, so lockdep watches the module.
    if [ -n "${LAB_CONFIG_EXTRA:-}" ] && grep -q '^CONFIG_KASAN=y' "$LAB_CONFIG_EXTRA"; then
        append="no5lvl${append:+ $append}"
    fi
    LAB_OUT="$out" cmd_run --nodes 2 --cpus 2 --memory 4G --timeout "$timeout" \
        --append "vfio_iommu_type1.dma_entry_limit=$LAB_DMA_ENTRY_LIMIT" \
        ${append:+--append "$append"} \
        -- env PINBENCH="$binary" LAB_DMA_ENTRY_LIMIT="$LAB_DMA_ENTRY_LIMIT" python3 lab/suite.py "${only[@]+"${only[@]}"}" || rc=$?
    if [ ! -f "$out/suite-summary.txt" ]; then
        echo "lab: 0 passed, 1 failed (the suite did not finish; see $out/console.log)"
        [ "$rc" != 0 ] || rc=1
    fi
    return "$rc"
}

# The suite boots with a small dma_entry_limit so the entry-limit rule is reachable; every
# other check maps far fewer entries than this.
LAB_DMA_ENTRY_LIMIT=64

case "${1:-}" in
    build) shift; cmd_build "$@" ;;
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    path) kernel_dir ;;
    -h|--help|help) usage ;;
    "") usage >&2; exit 64 ;;
    *) echo "lab: unknown command '$1'" >&2; usage >&2; exit 64 ;;
esac
