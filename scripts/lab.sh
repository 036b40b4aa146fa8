#!/usr/bin/env bash
# The lab: a QEMU guest with what this machine may lack (an emulated Intel IOMMU, QEMU's edu PCI
# device bound to vfio-pci, NUMA nodes, a kernel with CONFIG_IOMMUFD that loads modules), booted
# with virtme-ng on the host's own file system, so the host's build of pinbench runs inside.
# It runs under TCG (software emulation): its timings show behaviour, never publishable speed.
#
#   scripts/lab.sh build                 install what is missing, build and cache the kernel
#   scripts/lab.sh run [options] -- CMD  boot the guest and run CMD in it as root
#   scripts/lab.sh test                  the lab suite (lab/suite.py), one line per check
#   scripts/lab.sh ab                    the same sweeps on two kernels, and their comparison
#   --kernel 6.12|7.2|DIR                which kernel (Debian's 6.12, Debian's 7.2, your tree)
#
# This file is the one place that says how the guest is made: see guest_command below.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"

# --- What the lab is built from. Any change here or in a config fragment changes the cache key.
# Debian's 6.12 comes from the machine's own apt sources (Debian 12's security suite, Debian 13).
LAB_SOURCE_PACKAGE=linux-source-6.12
LAB_SOURCE_TARBALL=/usr/src/linux-source-6.12.tar.xz
# Debian's 7.2 is fetched as a .deb under a private apt configuration in the cache (never the
# machine's sources): the version the lab expects from sid, else (sid drops a version once it
# moves on) the newest 7.2 that trixie-backports still has, and the lab says which it used.
LAB_72_PACKAGE=linux-source-7.2
LAB_72_VERSION=7.2.13-1
LAB_72_SUITES="sid trixie-backports"
LAB_DEBIAN_MIRROR="${LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LAB_VIRTME_NG_VERSION=1.42
LAB_FRAGMENT="$PINBENCH_ROOT/lab/kernel.config"
LAB_PACKAGES=(qemu-system-x86 "$LAB_SOURCE_PACKAGE" build-essential flex bison bc libelf-dev libssl-dev
    cpio kmod xz-utils python3 python3-venv util-linux rsync)
LAB_CACHE="${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinbench/lab}"
# Which kernel: 6.12 (default), 7.2, or the path of a kernel tree (--kernel or LAB_KERNEL).
LAB_KERNEL="${LAB_KERNEL:-6.12}"

lab_say() { echo "lab: $*" >&2; }
lab_die() { echo "lab: error: $1" >&2; exit "${2:-1}"; }

usage() {
    cat <<'EOF'
usage: scripts/lab.sh [--kernel 6.12|7.2|DIR] build
       scripts/lab.sh [--kernel K] run [--nodes N] [--cpuless-nodes N] [--cpus N] [--memory SIZE] [--timeout SECONDS]
                          [--append KERNEL_ARG]... -- COMMAND [ARG...]
       scripts/lab.sh [--kernel K] test [--timeout SECONDS] [WORD...]
       scripts/lab.sh ab [--kernels A,B] [--out DIR] [--timeout SECONDS] [-- SWEEP ARGUMENT...]
       scripts/lab.sh [--kernel K] path
       scripts/lab.sh cache

--kernel  Which kernel the guest boots (LAB_KERNEL is its environment form; it may also come
          after the command): 6.12 (default; Debian's linux-source-6.12), 7.2 (Debian's
          linux-source-7.2, 7.2.13 from sid, fetched with apt-get download under a private apt
          configuration in the cache; when sid has dropped it, the newest 7.2 of
          trixie-backports, and the lab says so), or DIR, your own kernel tree (a path with a
          /, like ./linux): its files are copied into the cache and built there with the lab's
          fragment (a tree configured or built in place is left as it is), keyed by its git
          commit and dirty state, or a hash of its files outside git. The release is then
          <version>-lab-g<commit>[-dirty], so every record names the commit.
build    Installs what is missing (QEMU, the kernel build packages, linux-source-6.12, virtme-ng
         in a virtual environment under the cache), then builds the chosen kernel once and
         caches it under $LAB_CACHE (default ~/.cache/pinbench/lab/<version>-<key>/), with the
         kernel's own gup_test built from the same tree. Per kind of kernel (6.12, 7.2, trees)
         the newest three builds are kept (about 2 GiB each); `cache` lists them.
         LAB_CONFIG_EXTRA=FILE merges one more config fragment (and changes the cache key).
         LAB_APPEND="ARG ..." adds kernel arguments to the suite's boot (test).
run      Boots the guest under TCG (q35, intel-iommu, the edu devices, N NUMA nodes with CPUs
         and --cpuless-nodes nodes with memory only, sharing the memory evenly, two of the edu
         devices behind PCIe expander bridges on nodes 0 and 1, hugetlbfs mounted for 2M),
         binds edu to vfio-pci and runs
         COMMAND as root in this clone's folder, with LAB_VFIO_GROUP, LAB_VFIO_CDEV, LAB_NODES (with
         CPUs), LAB_CPULESS_NODES, LAB_NODE_DEVICES (BDF,NODE,GROUP,CDEV of each edu on a node),
         LAB_GUP_TEST, LAB_KERNEL_SOURCE, LAB_KERNEL_TREE (the kernel's built tree, what a
         module builds against), LAB_DKMS_DEB (the host's, made absolute; empty when unset) and
         LAB_OUT (read-write, on the host afterwards; default .lab/out in the clone) set.
         Exits with COMMAND's status; a guest still running after --timeout (default 600 s)
         is killed, and its last lines are shown.
         Defaults: --nodes 2, --cpuless-nodes 1, --cpus 2, --memory 6G.
test     Builds pinbench, the kernel and the module if needed, then runs the lab suite in one
         guest. Prints one line per check and "N passed, N failed[, N skipped]" (a check that
         needs what this kernel lacks is skipped with the reason); exits 0 only if none failed.
         WORDs run only the checks whose names contain one of them (e.g. test "lock models").
         LAB_DKMS_DEB=FILE (a pinbench-dkms .deb) enables the dkms check: the guest installs
         the package on tmpfs overlays, dkms builds the module there (minutes under TCG).
ab       Before and after: boots a guest of each kernel (default --kernels 6.12,7.2) and runs
         the same sweeps in both (lab/ab.sh: real type1 and iommufd on anon, thp, hugetlb-2m
         and memfd-hugetlb-2m; the module's single and kernel strategies; populate; 512M,
         prefaulted, --reps auto), each into a result set under --out (default LAB_OUT, else
         .lab/ab; it must be empty), then the kernel's gup_test -L on each; prints
         `pinbench report --compare` of each pair of sets (the rank test's verdict beside the
         intervals') and gup_test's medians, and saves that as compare.md. Arguments after --
         replace the default sweeps with one sweep of them. Timings are emulated (TCG): read
         the ratios, never the times.
path     Prints the cache folder of the chosen kernel's configuration.
cache    Lists the cached kernel builds, their sizes and sources, and the cache's total.
EOF
}

# --- Set-up --------------------------------------------------------------------------------

ensure_lab_packages() {
    ensure_packages "${LAB_PACKAGES[@]}" \
        || lab_die "could not install ${LAB_PACKAGES[*]}; $LAB_SOURCE_PACKAGE is in Debian 12's security suite and Debian 13 (try: apt-cache policy $LAB_SOURCE_PACKAGE)"
    # dkms, which the guest runs from the host's root for the pinbench-dkms check, without what it
    # recommends: the headers of the host's own kernel (the guest builds against the lab's tree).
    PINBENCH_NO_RECOMMENDS=1 ensure_packages dkms || lab_die "could not install dkms (apt-get install --no-install-recommends dkms)"
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

# --- Which kernel ----------------------------------------------------------------------------
# resolve_kernel sets, for LAB_KERNEL:
#   KERNEL_KIND      debian (a Debian source tarball) or tree (a developer's own tree)
#   KERNEL_LABEL     the first part of the cache folder's name (the version, or the tree's commit)
#   KERNEL_SOURCE    what the build unpacks or copies: a tarball or a folder
#   KERNEL_TOP       the tarball's top folder (debian)
#   KERNEL_IDENTITY  what names the source exactly; hashed into the cache key
#   KERNEL_DESCRIPTION  one line for people: where the source came from
#   KERNEL_LOCALVERSION (tree) appended to the release, so every record names the commit
KERNEL_RESOLVED=""
resolve_kernel() {
    [ -z "$KERNEL_RESOLVED" ] || return 0
    KERNEL_LOCALVERSION=""
    case "$LAB_KERNEL" in
        6.12)
            KERNEL_KIND=debian
            dpkg -s "$LAB_SOURCE_PACKAGE" >/dev/null 2>&1 || ensure_lab_packages
            KERNEL_SOURCE="$LAB_SOURCE_TARBALL"
            KERNEL_TOP=linux-source-6.12
            KERNEL_LABEL="$(source_version)"
            KERNEL_IDENTITY="$LAB_SOURCE_PACKAGE $KERNEL_LABEL"
            KERNEL_DESCRIPTION="Debian $LAB_SOURCE_PACKAGE $KERNEL_LABEL"
            ;;
        7.2)
            KERNEL_KIND=debian
            fetch_debian_source "$LAB_72_PACKAGE" "$LAB_72_VERSION"
            KERNEL_TOP=linux-source-7.2
            ;;
        */*|.|..)
            KERNEL_KIND=tree
            resolve_tree "$LAB_KERNEL"
            ;;
        *)
            lab_die "--kernel takes 6.12, 7.2 or the path of a kernel tree (one with a /, like ./linux), not '$LAB_KERNEL'" 64
            ;;
    esac
    KERNEL_RESOLVED=1
}

# The private apt configuration: its own sources list, lists and archives under the cache.
lab_apt() {
    local apt="$LAB_CACHE/apt"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/sources.list.d"
    local suite
    : >"$apt/sources.list.new"
    for suite in $LAB_72_SUITES; do
        echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $LAB_DEBIAN_MIRROR $suite main" >>"$apt/sources.list.new"
    done
    mv "$apt/sources.list.new" "$apt/sources.list"
    "$@" -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts="$apt/sources.list.d" \
        -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt" -o Dir::Cache::archives="$apt/archives" \
        -o APT::Get::List-Cleanup=0
}

# Sets KERNEL_SOURCE (the tarball, unpacked from the .deb), KERNEL_LABEL, KERNEL_IDENTITY and
# KERNEL_DESCRIPTION for Debian's source package PACKAGE at VERSION, or, when no suite has that
# version any more, the newest version any suite has. Downloaded .debs stay in the cache.
fetch_debian_source() {
    local package="$1" wanted="$2"
    local debs="$LAB_CACHE/debs"
    mkdir -p "$debs"
    local deb="" version="$wanted" note=""
    deb="$(ls "$debs/${package}_$(deb_file_version "$wanted")_all.deb" 2>/dev/null || true)"
    if [ -z "$deb" ]; then
        [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] \
            || ensure_packages debian-archive-keyring \
            || lab_die "debian-archive-keyring is needed to check Debian's archive (apt-get install debian-archive-keyring)"
        lab_say "looking for $package $wanted in Debian's $LAB_72_SUITES (a private apt configuration in $LAB_CACHE/apt)"
        mkdir -p "$LAB_CACHE/apt"
        lab_apt apt-get -qq update >"$LAB_CACHE/apt/update.log" 2>&1 || true
        local available
        available="$(lab_apt apt-cache madison "$package" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}')"
        if ! grep -qxF "$wanted" <<<"$available"; then
            local cached
            cached="$(ls -1 "$debs/${package}_"*_all.deb 2>/dev/null | sort -V | tail -1 || true)"
            version="$(sort -V <<<"$available" | grep . | tail -1 || true)"
            if [ -z "$version" ] && [ -n "$cached" ]; then
                deb="$cached"
                version="$(dpkg-deb -f "$deb" Version)"
                note=" (the lab expects $wanted; no suite answered (see $LAB_CACHE/apt/update.log), so the cached $version is used)"
            elif [ -z "$version" ]; then
                lab_die "no suite of $LAB_DEBIAN_MIRROR ($LAB_72_SUITES) has $package, and none is cached in $debs (network? see $LAB_CACHE/apt/update.log)"
            else
                note=" (the lab expects $wanted, which $LAB_72_SUITES no longer have; using $version, the newest they have)"
            fi
            local why="${note#*;}"
            lab_say "$package $wanted is not to be had:${why%)}"
        fi
        if [ -z "$deb" ]; then
            deb="$debs/${package}_$(deb_file_version "$version")_all.deb"
            if [ ! -r "$deb" ]; then
                lab_say "downloading $package $version"
                (cd "$debs" && lab_apt apt-get -qq download "$package=$version" >"$LAB_CACHE/apt/download.log" 2>&1) \
                    || lab_die "apt-get download $package=$version failed (log: $LAB_CACHE/apt/download.log)"
                [ -r "$deb" ] || deb="$(ls -1t "$debs/${package}_"*_all.deb | head -1)"
            fi
        fi
    fi
    version="$(dpkg-deb -f "$deb" Version)"
    local unpacked="$debs/${package}_$(deb_file_version "$version")"
    if [ ! -f "$unpacked/.complete" ]; then
        rm -rf "$unpacked"
        dpkg-deb -x "$deb" "$unpacked" || lab_die "dpkg-deb -x $deb failed"
        : >"$unpacked/.complete"
    fi
    KERNEL_SOURCE="$(ls "$unpacked"/usr/src/linux-source-*.tar.* 2>/dev/null | head -1)"
    [ -n "$KERNEL_SOURCE" ] || lab_die "$deb holds no /usr/src/linux-source-*.tar.*"
    KERNEL_LABEL="$version"
    KERNEL_IDENTITY="$package $version"
    KERNEL_DESCRIPTION="Debian $package $version$note"
}

# apt writes an epoch's colon as %3a in file names.
deb_file_version() { echo "${1//:/%3a}"; }

# A developer's tree: keyed by its git commit and dirty state (the diff's hash), or by a hash of
# its files where it is not a git tree. Either way the build copies its files into the cache
# and builds there, so a tree already built in place (which Kbuild will not build out of tree)
# is left exactly as it is.
resolve_tree() {
    local tree
    tree="$(cd "$1" 2>/dev/null && pwd)" || lab_die "--kernel $1: no such folder" 64
    [ -f "$tree/Makefile" ] && [ -f "$tree/Kconfig" ] && [ -d "$tree/arch/x86" ] && grep -q '^VERSION = ' "$tree/Makefile" \
        || lab_die "--kernel $tree is not a kernel tree (no top Makefile with VERSION, Kconfig and arch/x86)" 64
    local name
    name="$(basename "$tree" | tr -c 'A-Za-z0-9._+\n-' '_')"
    KERNEL_SOURCE="$tree"
    if git -C "$tree" rev-parse --is-inside-work-tree >/dev/null 2>&1 \
            && [ "$(git -C "$tree" rev-parse --show-toplevel)" = "$tree" ]; then
        local commit dirty=""
        commit="$(git -C "$tree" rev-parse --short=12 HEAD 2>/dev/null)" \
            || lab_die "--kernel $tree is a git tree without a commit" 64
        if [ -n "$(git -C "$tree" status --porcelain 2>/dev/null | head -1)" ]; then
            # What differs from HEAD, tracked and untracked (Kbuild's .gitignore hides its outputs).
            dirty="$( { git -C "$tree" diff HEAD; git -C "$tree" ls-files -z --others --exclude-standard \
                | (cd "$tree" && xargs -0r sha256sum); } | sha256sum | cut -c1-8)"
        fi
        KERNEL_LOCALVERSION="-lab-g$commit${dirty:+-dirty}"
        KERNEL_LABEL="tree-$name-g$commit${dirty:+-dirty-$dirty}"
        KERNEL_IDENTITY="tree git $commit dirty ${dirty:-none}"
        KERNEL_DESCRIPTION="the tree $tree at $commit${dirty:+ with uncommitted changes ($dirty)}"
    else
        lab_say "hashing the files of $tree (not a git tree)"
        local hash
        hash="$(cd "$tree" && tree_files . | sort -z | xargs -0r sha256sum | sha256sum | cut -c1-12)"
        KERNEL_LOCALVERSION="-lab-c$hash"
        KERNEL_LABEL="tree-$name-c$hash"
        KERNEL_IDENTITY="tree files $hash"
        KERNEL_DESCRIPTION="the tree $tree (not git; files hash $hash)"
    fi
}

# The files of a tree that may have been built in place, without the bulk of what Kbuild made
# there (objects, its .cmd files, generated headers, images), NUL-separated. Only names no
# source file has are left out (vmlinux.lds.S is a source, vmlinux.lds is not); `make mrproper`
# on the copy removes the rest of what Kbuild made.
tree_files() {
    find "$1" \( -name .git -o -path "$1/include/config" -o -path "$1/include/generated" \
        -o -path "$1/arch/*/include/generated" -o -name '.tmp_*' \) -prune -o -type f \
        ! -name '*.o' ! -name '*.ko' ! -name '*.a' ! -name '.*.cmd' ! -name '*.mod' ! -name '*.mod.c' \
        ! -name '.config' ! -name '.config.old' ! -name 'vmlinux' ! -name 'vmlinux.o' ! -name 'bzImage' \
        -print0
}

# The cache folder of this configuration: the kernel's label and a hash of every input that
# changes the kernel (its source, the fragments, virtme-ng's version, this file's build recipe).
kernel_dir() {
    resolve_kernel
    local extra="${LAB_CONFIG_EXTRA:-}"
    [ -z "$extra" ] || [ -r "$extra" ] || lab_die "LAB_CONFIG_EXTRA=$extra is not a readable file"
    local hash
    hash="$( { echo "$KERNEL_IDENTITY"; cat "$LAB_FRAGMENT"; [ -z "$extra" ] || cat "$extra"; echo "virtme-ng $LAB_VIRTME_NG_VERSION";
        sed -n '/^# --- recipe/,/^# --- end recipe/p' "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-12)"
    echo "$LAB_CACHE/$KERNEL_LABEL-$hash"
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
    echo "$KERNEL_DESCRIPTION" >"$dir/source"
    if [ "$KERNEL_KIND" = debian ]; then
        lab_say "unpacking $KERNEL_SOURCE ($KERNEL_DESCRIPTION)"
        tar -xf "$KERNEL_SOURCE" -C "$dir"
        mv "$dir/$KERNEL_TOP" "$tree"
    else
        # Kbuild refuses to build out of tree (O=) from a tree already configured or built in
        # place, which a developer's tree usually is: build a clean copy of its files instead.
        lab_say "copying the files of $KERNEL_SOURCE into $tree (the tree itself is not touched)"
        mkdir -p "$tree"
        (cd "$KERNEL_SOURCE" && tree_files . | rsync -a --from0 --files-from=- ./ "$tree/") \
            || lab_die "copying $KERNEL_SOURCE failed"
        # Whatever Kbuild made in place that tree_files did not know goes too.
        make -s -C "$tree" mrproper >"$dir/config.log" 2>&1 || lab_die "make mrproper in the copy failed (log: $dir/config.log)"
        lab_say "copied; $KERNEL_SOURCE had $( [ -e "$KERNEL_SOURCE/.config" ] && echo "a .config (built in place): it was left out" || echo "no .config")"
        # The commit (and dirty state) goes into the release, so every record names it.
        printf 'CONFIG_LOCALVERSION="%s"\nCONFIG_LOCALVERSION_AUTO=n\n' "$KERNEL_LOCALVERSION" >"$dir/localversion.config"
        fragments+=("$dir/localversion.config")
    fi
    local config_args=()
    for fragment in "${fragments[@]}"; do config_args+=(--config "$fragment"); done
    lab_say "configuring: virtme-ng's minimal config, then ${fragments[*]}"
    (cd "$tree" && vng --kconfig "${config_args[@]}" >>"$dir/config.log" 2>&1) \
        || { tail -20 "$dir/config.log" >&2; lab_die "vng --kconfig failed (log: $dir/config.log)"; }
    # virtme-ng applies its own defaults after our fragments (debug info among them): merge
    # ours again, last, so they win.
    (cd "$tree" && scripts/kconfig/merge_config.sh -m .config "${fragments[@]}" >>"$dir/config.log" 2>&1 \
        && make olddefconfig >>"$dir/config.log" 2>&1) \
        || { tail -20 "$dir/config.log" >&2; lab_die "merging the config fragments failed (log: $dir/config.log)"; }
    check_config "$tree/.config" "${fragments[@]}"
    local jobs
    jobs="$(nproc)"
    lab_say "building bzImage and modules with $jobs jobs (about 8 to 10 minutes on 2 cores); log: $dir/build.log"
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

# The kernel's own gup_test (CONFIG_GUP_TEST), built from the kernel tree's selftest so its ioctl
# matches that kernel: the lab runs it beside PinBench. Not part of the recipe: a kernel built
# before gains it on its next use.
build_gup_test() {
    local dir="$1" mm="$1/linux/tools/testing/selftests/mm"
    [ -f "$mm/gup_test.c" ] || return 1
    local extra=() helper
    for helper in vm_util.c thp_settings.c hugepage_settings.c; do
        [ -f "$mm/$helper" ] && extra+=("$mm/$helper")
    done
    (cd "$dir/linux" && make -s headers_install INSTALL_HDR_PATH="$dir/headers" >"$dir/gup_test.log" 2>&1) || return 1
    gcc -O2 -Wall -I "$dir/linux" -I "$dir/headers/include" -I "$mm" -I "$dir/linux/tools/testing/selftests" \
        -I "$dir/linux/tools/include" -o "$dir/gup_test" "$mm/gup_test.c" "${extra[@]}" -lrt -lpthread -lm \
        >>"$dir/gup_test.log" 2>&1
}

cmd_build() {
    ensure_packages
    ensure_lab_packages
    ensure_virtme_ng
    mkdir -p "$LAB_CACHE"
    resolve_kernel
    local dir
    dir="$(kernel_dir)"
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
        cache_report
    fi
    if [ ! -x "$dir/gup_test" ] && [ ! -f "$dir/gup_test.failed" ]; then
        build_gup_test "$dir" \
            || { : >"$dir/gup_test.failed"; lab_say "gup_test did not build from this tree (its check will say so); log: $dir/gup_test.log"; }
    fi
    exec 9>&-
}

# The kernel builds in the cache: one folder each, named <label>-<12 hex digits of the key>.
cache_entries() {
    ls -1dt "$LAB_CACHE"/*/ 2>/dev/null | sed 's:/$::' | grep -E -- '-[0-9a-f]{12}$' || true
}

# Which kind of kernel an entry holds: 6.12, 7.2 (Debian's, by version) or tree.
entry_kind() {
    local name
    name="$(basename "$1")"
    case "$name" in
        tree-*) echo tree ;;
        *) echo "$name" | cut -d. -f1,2 ;;
    esac
}

# Each build is about 2 GiB. Per kind of kernel (6.12, 7.2, trees) keep the newest three
# complete builds (the suite's, a debug build, one more), so every kernel the suite and ab use
# stays; remove older ones and half-built leftovers.
prune_kernels() {
    local keep="$1" entry kind
    declare -A kept=()
    while IFS= read -r entry; do
        [ -n "$entry" ] || continue
        kind="$(entry_kind "$entry")"
        if [ "$entry" = "$keep" ]; then kept[$kind]=$(( ${kept[$kind]:-0} + 1 )); continue; fi
        if [ -f "$entry/complete" ] && [ "${kept[$kind]:-0}" -lt 3 ]; then
            kept[$kind]=$(( ${kept[$kind]:-0} + 1 )); continue
        fi
        lab_say "removing the older lab kernel build $entry"
        rm -rf "$entry"
    done < <(cache_entries)
}

# One line per cached kernel (release, source, size) and the cache's total.
cache_report() {
    local entry count=0
    while IFS= read -r entry; do
        [ -n "$entry" ] && [ -f "$entry/complete" ] || continue
        count=$((count + 1))
        printf 'lab cache: %-8s %-34s %s (%s)\n' "$(du -sh "$entry" | cut -f1)" "$(cat "$entry/kernelrelease")" \
            "$(cat "$entry/source" 2>/dev/null || echo "Debian linux-source-6.12")" "$(basename "$entry")" >&2
    done < <(cache_entries)
    lab_say "the cache holds $count kernel build(s), $(du -sh "$LAB_CACHE" | cut -f1) in all: $LAB_CACHE"
}

# --- Running the guest ---------------------------------------------------------------------

# Splits memory M (as 4G or 4096M) over N nodes with CPUs and E nodes with memory and no CPUs
# (listed last, as coherent device memory and CXL expanders appear), and C CPUs over the first
# N, into vng --numa options, in the array NUMA (set here, in the caller's shell, so a refusal
# ends the command). QEMU's default distances apply: 10 to itself, 20 to every other node, so
# a CPU-less node is equally near every node with CPUs (a tie the binding policies must say).
numa_options() {
    local nodes="$1" cpus="$2" memory="$3" empty="${4:-0}"
    local mib
    case "$memory" in
        [1-9]*G) mib=$(( ${memory%G} * 1024 )) ;;
        [1-9]*M) mib=${memory%M} ;;
        *) lab_die "--memory must be like 4G or 4096M, not $memory" 64 ;;
    esac
    [[ "$mib" =~ ^[0-9]+$ ]] || lab_die "--memory must be like 4G or 4096M, not $memory" 64
    [ "$cpus" -ge "$nodes" ] || lab_die "--nodes $nodes needs at least as many --cpus (got $cpus)" 64
    local total=$(( nodes + empty ))
    [ $(( mib % total )) -eq 0 ] || lab_die "--memory $memory does not split evenly over $total nodes" 64
    NUMA=()
    [ "$total" -gt 1 ] || return 0
    local per_node=$(( mib / total )) first=0 node count
    for ((node = 0; node < nodes; node++)); do
        count=$(( cpus / nodes + (node < cpus % nodes ? 1 : 0) ))
        NUMA+=(--numa "${per_node}M,cpus=$first-$(( first + count - 1 ))")
        first=$(( first + count ))
    done
    for ((node = 0; node < empty; node++)); do
        NUMA+=(--numa "${per_node}M")
    done
}

cmd_run() {
    local nodes=2 cpus=2 memory=6G timeout=600 appends=() empty=1
    while [ $# -gt 0 ]; do
        case "$1" in
            --nodes) nodes="$2"; shift 2 ;;
            --cpuless-nodes) empty="$2"; shift 2 ;;
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
    [[ "$empty" =~ ^[0-9]$ ]] || lab_die "--cpuless-nodes takes 0 to 9, not '$empty'" 64
    numa_options "$nodes" "$cpus" "$memory" "$empty"
    command -v qemu-system-x86_64 >/dev/null 2>&1 || cmd_build
    resolve_kernel
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
    # pinbench records the commit it was built from by asking git about its checkout; inside the
    # guest that checkout is a read-only 9p mount whose stat data never match the index, so
    # every `git status` there re-reads the whole tree (about 15 s under TCG, per pinbench run).
    # The host answers once instead.
    local commit="${PINBENCH_GIT_COMMIT-}"
    [ -n "${PINBENCH_GIT_COMMIT+set}" ] || commit="$(checkout_commit "$PINBENCH_ROOT")" || commit=""
    # The suite's dkms check installs this .deb in the guest, which sees the host's root: the
    # path must be absolute there too.
    local dkms_deb=""
    if [ -n "${LAB_DKMS_DEB:-}" ]; then
        [ -f "$LAB_DKMS_DEB" ] || lab_die "LAB_DKMS_DEB=$LAB_DKMS_DEB is not a file" 64
        dkms_deb="$(realpath "$LAB_DKMS_DEB")"
    fi
    # The command travels as a script in LAB_OUT, not on the kernel command line (whose
    # length and quoting are limited).
    {
        echo "#!/bin/bash"
        printf 'export LAB_OUT=%q LAB_NODES=%q LAB_CPULESS_NODES=%q LAB_ROOT=%q LAB_KERNEL_SOURCE=%q LAB_KERNEL_TREE=%q LAB_GUP_TEST=%q PINBENCH_GIT_COMMIT=%q LAB_DKMS_DEB=%q\n' "$out" "$nodes" "$empty" \
            "$PINBENCH_ROOT" "$(cat "$dir/source" 2>/dev/null || echo "Debian $LAB_SOURCE_PACKAGE")" "$dir/linux" \
            "$( [ -x "$dir/gup_test" ] && echo "$dir/gup_test")" "$commit" "$dkms_deb"
        printf 'exec bash %q' "$PINBENCH_ROOT/lab/guest.sh"
        printf ' %q' "$@"
        echo
    } >"$out/.lab-command.sh"

    local console="$out/console.log"
    guest_command "$dir/bzImage" "$cpus" "$memory" "$out" "${appends[@]+"${appends[@]}"}"
    lab_say "booting $(cat "$dir/kernelrelease") ($(cat "$dir/source" 2>/dev/null || echo "Debian $LAB_SOURCE_PACKAGE")) under TCG: $nodes node(s), $cpus CPUs, $memory; LAB_OUT=$out"
    local rc attempt
    # The whole console goes to console.log; the terminal gets what the guest's command prints
    # (from guest.sh's first line on), without the kernel's timestamped messages, unless
    # LAB_VERBOSE=1. A guest that fails before that has its last lines shown below.
    # A boot that dies before guest.sh starts (a TCG timing flake in early boot) is retried
    # up to twice: nothing of the command has run yet, so nothing is repeated.
    for attempt in 1 2 3; do
        rc=0
        (cd "$PINBENCH_ROOT" && timeout --kill-after=15 "$timeout" "${GUEST[@]}" "${NUMA[@]+"${NUMA[@]}"}" \
            --exec "bash $out/.lab-command.sh" </dev/null 2>&1 | tee "$console" | show_console; exit "${PIPESTATUS[0]}") || rc=$?
        [ ! -f "$out/.lab-status" ] && [ "$rc" != 124 ] && [ "$rc" != 137 ] && [ ! -f "$out/.lab-started" ] \
            && [ "$attempt" -lt 3 ] || break
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
        # The vIOMMU, the lab's device (vfio-pci's), a second edu alone in its group for the
        # module's PCI driver, and a third edu sharing a PCI bridge (so one IOMMU group) with a
        # virtio-rng that virtio-pci keeps: a group that is not viable.
        # Two more edu devices, each behind a PCIe root port on its own PCIe expander bridge,
        # one on node 0 and one on node 1 (pxb-pcie's numa_node= becomes the host bridge's _PXM,
        # so the device's sysfs numa_node says it; a device on the root bus reports none): the
        # device-node binding policy and the one-domain-per-device maps use them.
        # (vng hands these to a shell unquoted: one line, no spaces inside a value.)
        --qemu-opts="-machine kernel-irqchip=split -device intel-iommu,intremap=on,caching-mode=on -device edu -device edu -device pci-bridge,id=lab-bridge,chassis_nr=1 -device edu,bus=lab-bridge,addr=0x1 -device virtio-rng-pci,bus=lab-bridge,addr=0x2 -device pxb-pcie,id=lab-pxb0,bus_nr=64,numa_node=0,bus=pcie.0 -device pcie-root-port,id=lab-rp0,bus=lab-pxb0,chassis=10,slot=0 -device edu,bus=lab-rp0 -device pxb-pcie,id=lab-pxb1,bus_nr=128,numa_node=1,bus=pcie.0 -device pcie-root-port,id=lab-rp1,bus=lab-pxb1,chassis=11,slot=0 -device edu,bus=lab-rp1")
}

# Builds kmod/ against the current lab kernel's tree (cleaned first: the last build may have
# been for another kernel).
build_kmod() {
    local log="$1" tree
    tree="$(kernel_dir)/linux"
    lab_say "building kmod/ against $(cat "$(kernel_dir)/kernelrelease")"
    make -s -C "$PINBENCH_ROOT/kmod" KDIR="$tree" clean >"$log" 2>&1 || true
    make -s -C "$PINBENCH_ROOT/kmod" KDIR="$tree" >>"$log" 2>&1
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
    # Each kernel's suite leaves its own output: .lab/out for 6.12, .lab/out-<release> otherwise.
    local out="${LAB_OUT:-$PINBENCH_ROOT/.lab/out}"
    [ -n "${LAB_OUT:-}" ] || [ "$LAB_KERNEL" = 6.12 ] || out="$out-$(cat "$(kernel_dir)/kernelrelease")"
    rm -rf "$out"
    mkdir -p "$out"
    build_kmod "$out/kmod-build.log" || lab_say "kmod/ did not build (its checks will fail): $(tail -3 "$out/kmod-build.log")"
    local rc=0 append="${LAB_APPEND:-}"
    # Under TCG with 5-level paging, KASAN reports a wild access in an early-boot interrupt
    # (identify_cpu, before any module loads) and that report turns lockdep off for the whole
    # boot: a KASAN kernel boots with 4-level tables, so lockdep watches the module.
    if [ -n "${LAB_CONFIG_EXTRA:-}" ] && grep -q '^CONFIG_KASAN=y' "$LAB_CONFIG_EXTRA"; then
        append="no5lvl${append:+ $append}"
    fi
    LAB_OUT="$out" cmd_run --nodes 2 --cpus 2 --memory 6G --timeout "$timeout" \
        --append "vfio_iommu_type1.dma_entry_limit=$LAB_DMA_ENTRY_LIMIT" \
        ${append:+--append "$append"} \
        -- env PINBENCH="$binary" LAB_DMA_ENTRY_LIMIT="$LAB_DMA_ENTRY_LIMIT" python3 lab/suite.py "${only[@]+"${only[@]}"}" || rc=$?
    if [ ! -f "$out/suite-summary.txt" ]; then
        echo "lab: 0 passed, 1 failed (the suite did not finish; see $out/console.log)"
        [ "$rc" != 0 ] || rc=1
    fi
    return "$rc"
}

# --- Before and after: the same sweeps on two kernels ------------------------------------------

cmd_ab() {
    local kernels="6.12,7.2" out="${LAB_OUT:-$PINBENCH_ROOT/.lab/ab}" timeout=5400
    while [ $# -gt 0 ]; do
        case "$1" in
            --kernels) [ $# -ge 2 ] || lab_die "--kernels needs A,B" 64; kernels="$2"; shift 2 ;;
            --kernels=*) kernels="${1#--kernels=}"; shift ;;
            --out) [ $# -ge 2 ] || lab_die "--out needs a folder" 64; out="$2"; shift 2 ;;
            --timeout) timeout="$2"; shift 2 ;;
            --) shift; break ;;
            -h|--help) usage; exit 0 ;;
            *) lab_die "unknown option $1 (scripts/lab.sh ab [--kernels A,B] [--out DIR] [-- SWEEP ARGUMENTS])" 64 ;;
        esac
    done
    [[ "$timeout" =~ ^[1-9][0-9]*$ ]] || lab_die "--timeout takes a positive whole number of seconds, not '$timeout'" 64
    local list=()
    IFS=, read -r -a list <<<"$kernels"
    [ "${#list[@]}" -eq 2 ] && [ -n "${list[0]}" ] && [ -n "${list[1]}" ] \
        || lab_die "--kernels takes two kernels, A,B (each 6.12, 7.2 or a tree's path), not '$kernels'" 64
    [ ! -e "$out" ] || [ -d "$out" ] || lab_die "--out $out is a file, not a folder" 64
    if [ -d "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
        lab_die "$out is not empty: give another --out (ab writes two result sets per sweep there and never overwrites)" 64
    fi
    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    ensure_swift
    lab_say "building pinbench"
    (cd "$PINBENCH_ROOT" && swift build --product pinbench >/dev/null) || lab_die "swift build failed"
    local binary
    binary="$(cd "$PINBENCH_ROOT" && swift build --show-bin-path)/pinbench"
    local side sides=() kernel release rc=0
    for kernel in "${list[@]}"; do
        # Each kernel in its own shell: resolve_kernel's answers are per kernel.
        release="$( LAB_KERNEL="$kernel"; KERNEL_RESOLVED=""; cmd_build >&2; cat "$(kernel_dir)/kernelrelease" )" \
            || lab_die "kernel $kernel could not be built"
        side="$out/$((${#sides[@]} + 1))-$release"
        sides+=("$side")
        mkdir -p "$side"
        lab_say "side ${#sides[@]}: $kernel ($release) into $side"
        ( LAB_KERNEL="$kernel"; KERNEL_RESOLVED=""
          build_kmod "$side/kmod-build.log" || lab_say "kmod/ did not build for $release: its cells are skipped ($side/kmod-build.log)"
          LAB_OUT="$side" cmd_run --nodes 2 --cpus 2 --memory 6G --timeout "$timeout" \
              -- env PINBENCH="$binary" bash lab/ab.sh "$@" ) || { rc=$?; lab_say "the sweeps on $release ended with status $rc"; }
    done
    ab_compare "$binary" "${sides[0]}" "${sides[1]}" | tee "$out/compare.md"
    lab_say "both sides and the comparison (compare.md) are in $out"
    return "$rc"
}

# pinbench report --compare of every result set the two sides both have, then gup_test's medians.
ab_compare() {
    local binary="$1" base="$2" new="$3" set name found=0
    for set in "$base"/*/; do
        name="$(basename "$set")"
        [ -f "$set/runs.jsonl" ] && [ -f "$new/$name/runs.jsonl" ] || continue
        found=1
        echo
        echo "# $name: $(basename "$base") -> $(basename "$new")"
        echo
        "$binary" report --compare "$base/$name" "$new/$name" || echo "(report --compare failed for $name)"
    done
    [ "$found" = 1 ] || echo "no result set is on both sides: see the console logs in $base and $new"
    local kind file
    for kind in hugetlb-2m anon; do
        [ -f "$base/gup_test-$kind.txt" ] && [ -f "$new/gup_test-$kind.txt" ] || continue
        echo
        echo "# gup_test -L ($kind, 512M in one call, 20 times): medians in us"
        echo
        echo "| side | get | put |"
        echo "|---|---|---|"
        for file in "$base/gup_test-$kind.txt" "$new/gup_test-$kind.txt"; do
            python3 - "$file" <<'PY'
import re, statistics, sys, os
text = open(sys.argv[1]).read()
times = [(int(g), int(p)) for g, p in re.findall(r"get:\s*(\d+)\s+put:\s*(\d+)", text)]
side = os.path.basename(os.path.dirname(sys.argv[1]))
if times:
    print(f"| {side} | {statistics.median(g for g, _ in times):.0f} | {statistics.median(p for _, p in times):.0f} |")
else:
    print(f"| {side} | ? | ? |")
PY
        done
    done
}

# The suite boots with a small dma_entry_limit so the entry-limit rule is reachable; every
# other check maps far fewer entries than this.
LAB_DMA_ENTRY_LIMIT=64

# --kernel K (or --kernel=K) may come before or after the command, never after "--".
ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --) ARGS+=("$@"); break ;;
        --kernel) [ $# -ge 2 ] || lab_die "--kernel needs a value: 6.12, 7.2 or a kernel tree's path" 64
            LAB_KERNEL="$2"; shift 2 ;;
        --kernel=*) LAB_KERNEL="${1#--kernel=}"; shift ;;
        *) ARGS+=("$1"); shift ;;
    esac
done
set -- "${ARGS[@]+"${ARGS[@]}"}"

case "${1:-}" in
    build) shift; cmd_build "$@" ;;
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    ab) shift; cmd_ab "$@" ;;
    path) resolve_kernel; kernel_dir ;;
    cache) cache_report ;;
    -h|--help|help) usage ;;
    "") usage >&2; exit 64 ;;
    *) echo "lab: unknown command '$1'" >&2; usage >&2; exit 64 ;;
esac
