#!/usr/bin/env bash
# Checks what scripts/release.sh leaves in dist/ on a clean Debian system without Swift: a
# minimal root file system of the host's own Debian release (debootstrap minbase, made once and
# cached outside the clone), copied fresh for each run and entered with chroot. In it: the
# tarball unpacked in /opt (version, doctor with libhugetlbfs's constructor seeing a hugetlbfs
# mount, a small run, a small sweep and its report, the man page, ldd, the glibc-floor
# launcher), then the two .debs installed with apt (the same, installed; dkms registering the
# module without headers to build it with) and removed again.
#
#   scripts/check-release.sh [--dist DIR] [--keep]
#
# Root only (debootstrap, chroot, mounts). Prints one line per check, "release: N passed,
# N failed", the time of each phase; exit 1 when a check failed, 2 when it cannot start.
# PINBENCH_ROOTFS_CACHE moves the cache (default ~/.cache/pinbench/rootfs).
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"

usage() {
    cat <<'EOF'
usage: scripts/check-release.sh [--dist DIR] [--keep]
  --dist DIR   the folder scripts/release.sh wrote (default: dist/ of this clone)
  --keep       keep the chroot's folder afterwards for a look (everything is still unmounted)
EOF
}

die() { echo "release: error: $1" >&2; exit "${2:-2}"; }
say() { echo "release: $*"; }

dist="$PINBENCH_ROOT/dist"
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --dist) [ $# -ge 2 ] || die "--dist needs a folder"; dist="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || die "run as root: debootstrap, chroot and the mounts in it need it"
[ -d "$dist" ] || die "$dist does not exist: run scripts/release.sh first"
dist="$(cd "$dist" && pwd)"

# --- The artifacts: exactly one of each, named as scripts/release.sh names them.
arch="$(uname -m)"
debarch="$(dpkg --print-architecture)"
only_one() {
    local pattern="$1" what="$2" found=()
    # The pattern is a glob on purpose; nullglob makes no match an empty list.
    shopt -s nullglob
    # shellcheck disable=SC2206
    found=("$dist"/$pattern)
    shopt -u nullglob
    [ "${#found[@]}" -gt 0 ] || die "no $what in $dist: run scripts/release.sh"
    [ "${#found[@]}" -eq 1 ] || die "${#found[@]} files match $pattern in $dist (${found[*]##*/}): keep one, or run scripts/release.sh in a clean dist/"
    echo "${found[0]}"
}
tarball="$(only_one "pinbench-*-linux-$arch.tar.gz" "pinbench-<version>-linux-$arch.tar.gz")"
deb="$(only_one "pinbench_*_$debarch.deb" "pinbench_<version>_$debarch.deb")"
dkms_deb="$(only_one "pinbench-dkms_*_all.deb" "pinbench-dkms_<version>_all.deb")"
version="${tarball##*/pinbench-}"
version="${version%-linux-"$arch".tar.gz}"
top="pinbench-$version-linux-$arch"

# --- The cached root file system. Everything that decides its contents is in ROOTFS_* and
# rootfs_recipe, and the cache key hashes exactly those, so changing the recipe makes a new one.
. /etc/os-release
codename="${VERSION_CODENAME:?/etc/os-release has no VERSION_CODENAME}"
ROOTFS_MIRROR=http://deb.debian.org/debian
# man-db for man -l and man. libstdc++6 and libgcc-s1: the binary links them (the Swift runtime
# is static, its C++ runtime is not); minbase has them already, through apt, as any Debian
# does, and naming them keeps it so.
ROOTFS_INCLUDE=(man-db libstdc++6 libgcc-s1)
# Fetched into /var/cache/apt/archives but not installed: installing pinbench-dkms pulls these
# in at test time without the network, and the clean system has no dkms before that. No
# recommends: they would add linux-headers-amd64 and a module build for a kernel not running.
ROOTFS_DOWNLOAD=(dkms)
ROOTFS_APT=(-o APT::Install-Recommends=false)

rootfs_recipe() {
    local target="$1"
    debootstrap --variant=minbase --arch="$debarch" --include="$(IFS=,; echo "${ROOTFS_INCLUDE[*]}")" \
        "$codename" "$target" "$ROOTFS_MIRROR"
    chroot "$target" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        apt-get "${ROOTFS_APT[@]}" update
    chroot "$target" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        apt-get "${ROOTFS_APT[@]}" install --download-only -y "${ROOTFS_DOWNLOAD[@]}"
}

key="$({ declare -p codename debarch ROOTFS_MIRROR ROOTFS_INCLUDE ROOTFS_DOWNLOAD ROOTFS_APT; declare -f rootfs_recipe; } \
    | sha256sum | cut -c1-12)"
cache_root="${PINBENCH_ROOTFS_CACHE:-$HOME/.cache/pinbench/rootfs}"
cache="$cache_root/$codename-$debarch-$key"

# The mount points under a folder, deepest first, from /proc/mounts (paths here have no spaces:
# mktemp names and the cache's).
mounts_under() { awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r; }

# Removes a folder only when nothing is mounted under it, and never across into another file
# system: an rm -rf through a still-mounted /dev or /sys would wipe the host's.
remove_tree() {
    local left
    left="$(mounts_under "$1")"
    if [ -n "$left" ]; then
        echo "release: NOT removing $1: still mounted: $(tr '\n' ' ' <<<"$left")" >&2
        return 1
    fi
    rm -rf --one-file-system "$1"
}

phases=()
phase_started=$SECONDS
phase_done() {
    phases+=("$1 $((SECONDS - phase_started)) s")
    say "phase: $1 took $((SECONDS - phase_started)) s"
    phase_started=$SECONDS
}

build=""
builder=""
mounted=()
work=""
root=""
# The script's own output, for the cleanup: a signal can run it while a check's output is
# redirected to its log.
exec {stdout}>&1 {stderr}>&2
cleanup() {
    local status=$? target left pid
    trap - EXIT INT TERM HUP
    set +e
    exec 1>&"$stdout"
    exec 2>&"$stderr"
    case "$status" in 129 | 130 | 143) echo "release: interrupted: cleaning up" >&2 ;; esac
    if [ -n "$builder" ]; then
        kill -TERM -- "-$builder" 2>/dev/null
        wait "$builder" 2>/dev/null
    fi
    if [ -n "$root" ]; then
        # Anything still running in the chroot (a daemon a postinst started despite policy-rc.d)
        # would keep its mounts busy: these are this script's children, ended by id.
        for pid in /proc/[0-9]*; do
            [ "$(readlink "$pid/root" 2>/dev/null)" = "$root" ] && kill -9 "${pid#/proc/}" 2>/dev/null
        done
    fi
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        target="${mounted[i]}"
        mountpoint -q "$target" || continue
        umount "$target" 2>/dev/null || umount -l "$target" || echo "release: could not unmount $target" >&2
    done
    # Mounts made by something in the chroot, not by this script: lazily, deepest first.
    if [ -n "$root" ]; then
        for target in $(mounts_under "$root"); do umount -l "$target" || echo "release: could not unmount $target" >&2; done
        left="$(mounts_under "$root")"
        if [ -n "$left" ]; then
            echo "release: still mounted after cleanup: $(tr '\n' ' ' <<<"$left")" >&2
            status=1
        fi
    fi
    if [ -n "$work" ]; then
        if [ "$keep" -eq 1 ]; then
            echo "release: kept $root (nothing mounted in it; remove it with rm -rf --one-file-system $work)"
        else
            remove_tree "$work" || status=1
        fi
    fi
    # A rootfs build that did not finish: debootstrap unmounts its own /proc and /sys, and if
    # it was cut short this does.
    if [ -n "$build" ] && [ -d "$build" ]; then
        for target in $(mounts_under "$build"); do umount -l "$target"; done
        remove_tree "$build" || status=1
    fi
    [ "${#phases[@]}" -eq 0 ] || echo "release: phases: $(printf '%s; ' "${phases[@]}")total $SECONDS s"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

make_rootfs() {
    mkdir -p "$cache_root"
    exec {lock}>"$cache_root/.lock-$codename-$debarch-$key"
    if ! flock -n "$lock"; then
        say "rootfs: another run is building $cache, waiting for it"
        flock "$lock"
    fi
    if [ -f "$cache/rootfs.tar" ]; then
        say "rootfs: cached $cache ($(du -sh "$cache/rootfs.tar" | cut -f1))"
        exec {lock}>&-
        return
    fi
    # With the lock held nobody else builds this recipe: what is here is a killed run's.
    local stale
    for stale in "$cache" "$cache_root/.build-$codename-$debarch-$key".*; do
        [ ! -e "$stale" ] || remove_tree "$stale" || die "could not remove $stale, left by an earlier run" 1
    done
    ensure_packages debootstrap || die "cannot install debootstrap with apt-get" 1
    local started=$SECONDS
    say "rootfs: building $cache (debootstrap $codename minbase from $ROOTFS_MIRROR; minutes)"
    build="$(mktemp -d "$cache_root/.build-$codename-$debarch-$key.XXXXXX")"
    # In its own process group, waited for: INT or TERM end the whole build at once.
    setsid nice -n 10 bash -c "$(declare -p codename debarch ROOTFS_MIRROR ROOTFS_INCLUDE ROOTFS_DOWNLOAD ROOTFS_APT; \
        declare -f rootfs_recipe); rootfs_recipe '$build/root'" >"$build/build.log" 2>&1 </dev/null &
    builder=$!
    if ! wait "$builder"; then
        builder=""
        tail -20 "$build/build.log" >&2
        die "building the root file system failed (the log's end is above)" 1
    fi
    builder=""
    # A tarball, never entered: each run extracts a fresh copy, so the cache stays pristine.
    nice -n 10 tar --numeric-owner --xattrs -C "$build/root" -cf "$build/rootfs.tar" .
    remove_tree "$build/root" || die "could not remove the build folder $build/root" 1
    { echo "debootstrap --variant=minbase --arch=$debarch --include=$(IFS=,; echo "${ROOTFS_INCLUDE[*]}") $codename $ROOTFS_MIRROR"
      echo "apt-get ${ROOTFS_APT[*]} install --download-only -y ${ROOTFS_DOWNLOAD[*]}"
      echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) in $((SECONDS - started)) s"; } >"$build/recipe.txt"
    mv -T "$build" "$cache"  # atomic: a run sees no cache or a whole one
    build=""
    exec {lock}>&-
    say "rootfs: built $cache in $((SECONDS - started)) s ($(du -sh "$cache/rootfs.tar" | cut -f1))"
}

make_rootfs
phase_done rootfs

# --- A fresh chroot from the cached tarball.
work="$(mktemp -d "${TMPDIR:-/tmp}/pinbench-release.XXXXXX")"
work="$(realpath "$work")"
mkdir "$work/root" "$work/logs"
tar --numeric-owner --xattrs -xpf "$cache/rootfs.tar" -C "$work/root"
root="$work/root"
# No service starts in the chroot (invoke-rc.d asks policy-rc.d; 101: action forbidden).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
# As on a machine whose running kernel is installed and its headers are not. Without the folder,
# dkms's postinst takes the running kernel for a chroot's host's and tries no kernel at all.
kernel="$(uname -r)"
mkdir -p "$root/lib/modules/$kernel"

# Mounts on an existing folder (never mkdir: under the bound /dev that would be the host's).
mount_at() {
    local target="$1"
    shift
    mount "$@" "$target"
    mounted+=("$target")
}
# Binds, not rbinds: the host's own submounts (a hugetlbfs at /dev/hugepages among them) stay
# out, and unmounting needs no make-rslave.
mount_at "$root/proc" -t proc proc
mount_at "$root/sys" --bind /sys
# Read-only, as in a container: these are the host's sysctls and sysfs, and nothing checked
# here may change them (a pinbench growing a hugepage pool or setting numa_balancing would).
mount -o remount,bind,ro "$root/sys"
mount_at "$root/proc/sys" --bind "$root/proc/sys"
mount -o remount,bind,ro "$root/proc/sys"
mount_at "$root/dev" --bind /dev
mount_at "$root/dev/pts" --bind /dev/pts
# The chroot's /dev/shm is its own: shm_open there must not write into the host's /dev/shm.
[ ! -d "$root/dev/shm" ] || mount_at "$root/dev/shm" -t tmpfs -o mode=1777,size=64M tmpfs
mkdir -p "$root/tmp/artifacts"
cp "$tarball" "$deb" "$dkms_deb" "$root/tmp/artifacts/"
phase_done chroot

# --- Checks.
passed=0 failed=0
why=""
check() {
    local what="$1"
    shift
    why=""
    if "$@"; then
        echo "release: ok   $what"
        passed=$((passed + 1))
    else
        echo "release: FAIL $what (${why:-failed})"
        failed=$((failed + 1))
    fi
}

# Runs a shell command in the chroot with a clean environment. In the background and waited
# for, so that INT or TERM run the cleanup at once (it ends what runs in the chroot) instead of
# after the command.
in_chroot() {
    chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LC_ALL=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive MANWIDTH=80 /bin/bash -c "$1" </dev/null &
    wait "$!"
}
log() { echo "$work/logs/$1"; }
# Runs the command in the chroot, logging both streams; on failure sets why to the exit status
# and the log's last line.
logged() {
    local name="$1" status=0
    in_chroot "$2" >"$(log "$name")" 2>&1 || status=$?
    [ "$status" -eq 0 ] && return 0
    why="exit $status: $(grep -v '^[[:space:]]*$' "$(log "$name")" | tail -1 | cut -c1-200)"
    return 1
}
# The detail of doctor's "hugetlbfs mounts (libhugetlbfs)" line, before any "; also mounted".
hugetlbfs_detail() { sed -n 's/^  \[[a-z]*\] hugetlbfs mounts (libhugetlbfs): //p' "$1" | head -1 | sed 's/; .*//'; }
# Whether the comma list holds exactly the item.
lists() { local item; while IFS= read -r item; do [ "$item" = "$2" ] && return 0; done <<<"${1//, /$'\n'}"; return 1; }

# shellcheck disable=SC2329,SC2317 # the checks are called through check
{
prefix="/opt/$top"
# What release.sh wrote beside the artifacts, when it wrote it.
if [ -f "$dist/SHA256SUMS" ]; then
    sums_match() { (cd "$dist" && sha256sum --check --quiet SHA256SUMS >/dev/null 2>&1) || { why="sha256sum --check fails in $dist"; return 1; }; }
    check "SHA256SUMS matches the artifacts" sums_match
fi
# The point of the chroot: none of what built the release is here.
is_clean() {
    logged clean "! command -v swift && ! command -v swiftc && ! command -v dkms && ! dpkg-query -W -f '\${db:Status-Abbrev}\${Package}\n' '*-dev' 2>/dev/null | grep '^ii'" \
        || { why="found $(grep -v '^$' "$(log clean)" | head -3 | tr '\n' ' ')"; return 1; }
}
check "the clean system has no swift, no dkms, no -dev package" is_clean
unpacks() {
    local tops
    tops="$(tar -tzf "$tarball" | sed 's,^\./,,' | grep -v '^\.\?$' | cut -d/ -f1 | sort -u | tr '\n' ' ')"
    [ "$tops" = "$top " ] || { why="top folders in the tarball: $tops"; return 1; }
    logged unpack "tar -xzf /tmp/artifacts/${tarball##*/} -C /opt" || return 1
    for file in bin/pinbench bin/pinbench-sweep lib/pinbench/pinbench; do
        [ -x "$root$prefix/$file" ] || { why="no executable $file"; return 1; }
    done
    for file in share/man/man1/pinbench.1 share/bash-completion/completions/pinbench README "src/pinbench-$version/dkms.conf"; do
        [ -f "$root$prefix/$file" ] || { why="no $file"; return 1; }
    done
}
check "the tarball unpacks in /opt to $top/ (bin, lib, share, src/pinbench-$version, README)" unpacks
# The binary links the C++ runtime (ldd below): a tarball user must be told.
readme_names_runtime() {
    grep -q 'libstdc++' "$root$prefix/README" || { why="README does not name libstdc++"; return 1; }
    grep -q 'libgcc' "$root$prefix/README" || { why="README does not name libgcc_s"; return 1; }
}
check "README says libstdc++ and libgcc_s are needed" readme_names_runtime

# The version the program prints, as a whole word of its --version output.
prints_version() {
    logged "$1" "$2" || return 1
    local words
    words="$(tr -s ' \t' '\n' <"$(log "$1")" | sed 's/^v//')"
    grep -qxF -- "$version" <<<"$words" || { why="printed '$(head -1 "$(log "$1")")', not $version"; return 1; }
}
check "bin/pinbench --version prints $version (the version in the tarball's name)" \
    prints_version version "cd $prefix && bin/pinbench --version"

# libhugetlbfs scans the mounts in a constructor at start; if the static link dropped it, doctor
# sees no mount (or no sizes at all). The mount is in the chroot's own folder, not /dev, which
# is the host's.
huge="/mnt/hugepages"
mkdir -p "$root$huge"
mount_at "$root$huge" -t hugetlbfs -o pagesize=2M none
doctor_runs() { logged "$1" "$2"; }
check "bin/pinbench doctor exits 0" doctor_runs doctor "cd $prefix && bin/pinbench doctor"
sees_mount() {
    local detail
    detail="$(hugetlbfs_detail "$(log "$1")")"
    [ -n "$detail" ] || { why="doctor printed no hugetlbfs mounts (libhugetlbfs) line"; return 1; }
    lists "$detail" "2M -> $huge" || { why="doctor says '$detail'"; return 1; }
}
check "libhugetlbfs's constructor ran: doctor shows 2M -> $huge" sees_mount doctor
umount "$root$huge"

# Small: anon memory (run's default is THP), the default populate backend, every strategy.
run_options="--size 64M --threads 2 --memory anon --reps 3"
check "bin/pinbench run $run_options" logged run "cd $prefix && bin/pinbench run $run_options"

sweep_options="--threads 1,2 --size 64M --memory anon --strategies single,user --backends populate,mlock --reps 2 --warmup 0"
# Finds the one result set the sweep made under DIR/results and reports it.
sweeps_and_reports() {
    local name="$1" dir="$2" sweep="$3" sets
    logged "$name" "mkdir -p $dir && cd $dir && $sweep -- $sweep_options" || return 1
    sets="$(cd "$root$dir" && find results -mindepth 1 -maxdepth 1 -type d 2>/dev/null | tr '\n' ' ')" || true
    if [ -z "$sets" ] || [ "$(wc -w <<<"$sets")" -ne 1 ]; then why="result sets under $dir/results: ${sets:-none}"; return 1; fi
    logged "$name-report" "cd $dir && ${sweep%-sweep} report $sets" || { why="report: $why"; return 1; }
    # A table: a line of dashes or box rules under a header.
    grep -Eq -- '-{3,}|─{3,}|\|' "$(log "$name-report")" || { why="report printed no table: $(head -1 "$(log "$name-report")")"; return 1; }
}
check "bin/pinbench-sweep -- $sweep_options, then pinbench report on its set" \
    sweeps_and_reports sweep /root/tarball-sweep "$prefix/bin/pinbench-sweep"

renders() {
    logged "$1" "$2" || return 1
    [ -s "$(log "$1")" ] || { why="rendered nothing"; return 1; }
    grep -qi pinbench "$(log "$1")" || { why="no 'pinbench' in what it rendered"; return 1; }
    ! grep -q '^man: ' "$(log "$1")" || { why="$(grep -m1 '^man: ' "$(log "$1")")"; return 1; }
}
check "man -l share/man/man1/pinbench.1 renders" renders man-l "man -l -P cat $prefix/share/man/man1/pinbench.1"

# What the static-Swift binary may still link: glibc's and the C++ runtime's libraries.
links_only_base() {
    logged ldd "ldd $prefix/lib/pinbench/pinbench" || return 1
    local extra
    extra="$(awk '{ print $1 }' "$(log ldd)" | sed 's,.*/,,' \
        | grep -Ev '^(linux-vdso\.so\.1|ld-linux[-a-z0-9_.]*\.so\.[0-9]+|libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$' | tr '\n' ' ')" || true
    [ -z "$extra" ] || { why="also links $extra"; return 1; }
    ! grep -q 'not found' "$(log ldd)" || { why="$(grep -m1 'not found' "$(log ldd)" | tr -s ' \t' ' ')"; return 1; }
}
check "ldd lib/pinbench/pinbench: only vdso, ld-linux, libc, libm, libstdc++, libgcc_s, all found" links_only_base

# The launcher learns glibc's version from getconf GNU_LIBC_VERSION; a shim earlier on PATH
# says 2.17, older than any floor it can have.
mkdir -p "$root/tmp/oldglibc"
cat >"$root/tmp/oldglibc/getconf" <<'EOF'
#!/bin/sh
if [ "$1" = GNU_LIBC_VERSION ]; then echo "glibc 2.17"; exit 0; fi
exec /usr/bin/getconf "$@"
EOF
chmod 0755 "$root/tmp/oldglibc/getconf"
refuses_old_glibc() {
    local status=0 lines
    in_chroot "cd $prefix && PATH=/tmp/oldglibc:\$PATH bin/pinbench --version" \
        >"$(log old-glibc.out)" 2>"$(log old-glibc.err)" || status=$?
    [ "$status" -eq 2 ] || { why="exit $status, not 2: $(head -c 200 "$(log old-glibc.err)")"; return 1; }
    [ ! -s "$(log old-glibc.out)" ] || { why="printed on stdout: $(head -1 "$(log old-glibc.out)")"; return 1; }
    lines="$(wc -l <"$(log old-glibc.err)")"
    [ "$lines" -eq 1 ] || { why="$lines lines on stderr, not 1"; return 1; }
    grep -q '2\.17' "$(log old-glibc.err)" || { why="does not name 2.17: $(cat "$(log old-glibc.err)")"; return 1; }
    grep -oE '[0-9]+\.[0-9]+' "$(log old-glibc.err)" | grep -qvx '2\.17' \
        || { why="names no needed version: $(cat "$(log old-glibc.err)")"; return 1; }
    ! grep -Eq 'GLIBC_[0-9]|ld-linux|error while loading' "$(log old-glibc.err)" \
        || { why="the dynamic loader spoke: $(cat "$(log old-glibc.err)")"; return 1; }
}
check "bin/pinbench with getconf saying glibc 2.17: exit 2, one line naming 2.17 and the floor" refuses_old_glibc
}
phase_done tarball

# --- The packages, in the same chroot.
# shellcheck disable=SC2329,SC2317 # the checks are called through check
{
# What the packages declare, read here: dpkg-deb -f.
declares() {
    local field
    field="$(dpkg-deb -f "$1" "$2")"
    for wanted in "${@:3}"; do
        grep -Eq "(^|[ ,|])$wanted( |,|\$)" <<<"$field" || { why="$2: ${field:-none}"; return 1; }
    done
}
check "${deb##*/} Depends on libc6, libstdc++6 and libgcc-s1" declares "$deb" Depends libc6 'libstdc\+\+6' libgcc-s1
check "${dkms_deb##*/} Depends on dkms" declares "$dkms_deb" Depends dkms

debs="./${deb##*/} ./${dkms_deb##*/}"
apt_install="apt-get -o APT::Install-Recommends=false install -y"
network="no network"
installs() {
    # dkms and its dependencies come from the rootfs's archive cache: a proxy nobody listens on
    # makes any download fail (--no-download refuses ./x.deb files). If one was needed, the
    # install is retried with the network and said so.
    if logged install "cd /tmp/artifacts && $apt_install -o Acquire::http::Proxy=http://127.0.0.1:9 -o Acquire::Retries=0 $debs"; then
        return 0
    fi
    say "note: apt could not install from the rootfs's cache alone (${why}); retrying with the network"
    network="NEEDED THE NETWORK"
    logged install "cd /tmp/artifacts && apt-get update && $apt_install $debs"
}
check "apt-get install pinbench_*.deb pinbench-dkms_*.deb (dkms from the rootfs's cache)" installs
[ "$network" = "no network" ] || say "note: the install above needed the network: the rootfs's archive cache lacks a package"
# dkms's common.postinst: "Module build for kernel K was skipped since the / kernel headers for
# this kernel do not seem to be installed."
says_no_headers() {
    if grep -qF "Module build for kernel $kernel was skipped since the" "$(log install)" \
        && grep -qF "kernel headers for this kernel do not seem to be installed." "$(log install)"; then
        return 0
    fi
    if ! grep -q "DKMS files" "$(log install)"; then
        # dh_dkms's postinst runs /usr/lib/dkms/common.postinst, which says "Loading new ... DKMS files".
        why="its postinst never ran dkms: it is $(dpkg-deb -I "$dkms_deb" postinst 2>/dev/null | grep -v '^#!' | tr '\n' ';' | cut -c1-120)"
    else
        why="the install log says: $(grep -A3 'DKMS files' "$(log install)" | tr '\n' ' ' | cut -c1-200)"
    fi
    return 1
}
check "pinbench-dkms's postinst says it cannot build for $kernel without its headers" says_no_headers
check "/usr/bin/pinbench --version prints $version" prints_version deb-version "/usr/bin/pinbench --version"
mount_at "$root$huge" -t hugetlbfs -o pagesize=2M none
check "/usr/bin/pinbench doctor exits 0" doctor_runs deb-doctor "pinbench doctor"
check "installed: libhugetlbfs's constructor ran: doctor shows 2M -> $huge" sees_mount deb-doctor
umount "$root$huge"
check "pinbench run $run_options" logged deb-run "cd /root && pinbench run $run_options"
check "pinbench-sweep -- (the same small sweep), then pinbench report" \
    sweeps_and_reports deb-sweep /root/deb-sweep /usr/bin/pinbench-sweep
check "man pinbench renders the installed page" renders deb-man "man -P cat pinbench"

dkms_lists() {
    logged "$1" "dkms status" || return 1
    if [ "$2" = yes ]; then
        grep -Eq '^pinbench[/,]' "$(log "$1")" || { why="dkms status: $(head -1 "$(log "$1")" | grep . || echo nothing)"; return 1; }
    else
        ! grep -Eq '^pinbench[/,]' "$(log "$1")" || { why="dkms status: $(grep -m1 '^pinbench' "$(log "$1")")"; return 1; }
    fi
}
check "dkms status lists pinbench" dkms_lists dkms-status yes
check "apt-get remove -y pinbench pinbench-dkms" logged remove "apt-get remove -y pinbench pinbench-dkms"
check "dkms status no longer lists pinbench" dkms_lists dkms-status-after no
no_source_left() {
    local left
    left="$(find "$root/usr/src" -mindepth 1 -maxdepth 1 -name 'pinbench-*' -printf '/usr/src/%f ')"
    [ -z "$left" ] || { why="left: $left"; return 1; }
}
check "/usr/src/pinbench-* is gone" no_source_left
}
phase_done packages

[ "$failed" -eq 0 ] || echo "release: logs of each step in $work/logs (kept only with --keep)"
echo "release: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
