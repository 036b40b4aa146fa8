#!/usr/bin/env bash
# Makes a release of this checkout for a machine without Swift, in dist/:
#
#   pinbench-<version>-linux-<arch>.tar.gz   one folder: bin/pinbench (a launcher that checks the
#                                            C library), bin/pinbench-sweep, lib/pinbench/pinbench,
#                                            the man pages and completions, the module's source with
#                                            a dkms.conf, and a README (packaging/tarball/)
#   pinbench_<debversion>_<debarch>.deb      the same binary, pages and completions for apt
#   pinbench-dkms_<debversion>_all.deb       the module's source under /usr/src, built by DKMS
#   SHA256SUMS
#
# The binary is the release build linked with --static-swift-stdlib, and with libnuma, liburing
# and libhugetlbfs from Debian's -dev packages linked in statically, libhugetlbfs whole: its set-up
# (finding the hugetlbfs mounts) runs from a constructor in an object nothing references, which a
# plain static link drops without a word. So the binary needs only the C library, libstdc++ and
# libgcc_s; this script checks that with ldd, checks the constructor ran (doctor sees a hugetlbfs
# it mounts, as root), and measures the oldest glibc the binary accepts from its symbols, which
# the launcher and the package's Depends then state. The version (`git describe`, or
# <base>-<commits>-g<commit> before the first vX.Y.Z tag) and the commit are written into the
# binary, so --version and every record name the release with no git on the box.
#
#   scripts/release.sh              build and package (about 5 minutes on 2 cores, cold)
#   scripts/release.sh --out DIR    somewhere else than dist/ (never a folder it did not make)
#
# Lintian checks both packages when it is installed (scripts/test.sh installs it); an error
# fails the release, warnings are printed.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"

die() { echo "release: $1" >&2; exit "${2:-1}"; }
say() { echo "release: $*" >&2; }

out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) [ $# -ge 2 ] || die "--out needs a folder" 64; out="$2"; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument $1 (scripts/release.sh [--out DIR])" 64 ;;
    esac
done

ensure_packages || die "could not install the packages pinbench builds against (${PINBENCH_PACKAGES[*]})"
# objdump, strip and ar; dpkg-shlibdeps.
ensure_packages binutils dpkg-dev || die "could not install binutils and dpkg-dev"
ensure_swift
cd "$PINBENCH_ROOT"
out="${out:-$PINBENCH_ROOT/dist}"
started=$SECONDS
TIMES=()
phase_done() { TIMES+=("$1 $((SECONDS - $2)) s"); }

# --- what this release is called ---------------------------------------------------------------

git rev-parse --git-dir >/dev/null 2>&1 || die "$PINBENCH_ROOT is not a git checkout: a release is named by its commit"
commit="$(checkout_commit "$PINBENCH_ROOT")"
dirty=""
case "$commit" in *-dirty) dirty="-dirty" commit="${commit%-dirty}" ;; esac
base="$(sed -n 's/^ *static let base = "\([0-9][0-9.]*\)".*/\1/p' Sources/PinCLI/PinBenchVersion.swift)"
[[ "$base" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "no base version (static let base = \"X.Y.Z\") in Sources/PinCLI/PinBenchVersion.swift"
if describe="$(git describe --tags --match 'v[0-9]*' --abbrev=12 2>/dev/null)"; then
    version="${describe#v}"
else
    version="$base-$(git rev-list --count HEAD)-g$commit"
fi
version="$version$dirty"
# It goes into a C string, file names and Debian's version field.
[[ "$version" =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || die "'$version' (from git describe) is not a usable version: tag releases vX.Y.Z"
commit="$commit$dirty"
# Debian's upstream version may not hold a hyphen where the package has no revision:
# 0.1.0-845-g1a2b3c4d5e6f-dirty becomes 0.1.0+845.g1a2b3c4d5e6f.dirty (and sorts after 0.1.0).
debversion="$(printf '%s' "$version" | sed -e 's/-/+/' -e 's/-/./g')"
arch="$(uname -m)"
debarch="$(dpkg --print-architecture)"
name="pinbench-$version-linux-$arch"
say "version $version (Debian $debversion), commit $commit"
# Who answers for the packages: PINBENCH_MAINTAINER="Name <address>", else whoever builds them
# (git's committer identity here), else the commit's author.
maintainer="${PINBENCH_MAINTAINER:-$(git var GIT_COMMITTER_IDENT 2>/dev/null | sed 's/> .*/>/' || true)}"
[ -n "$maintainer" ] || maintainer="$(git log -1 --format='%an <%ae>')"
[[ "$maintainer" =~ ^[^\<\>]+\ \<[^@\<\>\ ]+@[^@\<\>\ ]+\>$ ]] \
    || die "the packages need a maintainer as 'Name <address>' (git config user.name and user.email, or PINBENCH_MAINTAINER), not '$maintainer'" 2

# --- dist/: only ever a folder this script made -------------------------------------------------

marker=".pinbench-release"
if [ -e "$out" ]; then
    [ -d "$out" ] || die "$out is not a folder" 2
    if [ -n "$(ls -A "$out")" ] && [ ! -f "$out/$marker" ]; then
        die "$out holds files scripts/release.sh did not write: give another --out, or empty it" 2
    fi
    # Only what an earlier release left: its artifacts and the marker.
    find "$out" -maxdepth 1 -type f \( -name 'pinbench-*.tar.gz' -o -name 'pinbench*.deb' -o -name SHA256SUMS -o -name "$marker" \) -delete
    [ -z "$(ls -A "$out")" ] || die "$out holds files scripts/release.sh did not write: give another --out, or empty it" 2
fi
mkdir -p "$out"
: >"$out/$marker"
out="$(cd "$out" && pwd)"

work="$(mktemp -d)"
# The hugetlbfs the constructor check mounts goes before the folder holding it.
trap 'umount "$work/hugetlbfs" 2>/dev/null || true; rm -rf "$work"' EXIT

# --- the static build ---------------------------------------------------------------------------

phase=$SECONDS
static="$PINBENCH_ROOT/.build-release/static-libs"
mkdir -p "$static"
# Each archive where its Debian -dev package put it.
static_archive() {
    local found
    found="$(dpkg -L "lib$1-dev" 2>/dev/null | grep "/lib$1\.a\$" | head -1)"
    [ -n "$found" ] && [ -f "$found" ] || die "lib$1.a is missing: install lib$1-dev (apt-get install lib$1-dev)"
    echo "$found"
}
for library in numa uring; do
    archive="$(static_archive "$library")"
    ln -sf "$archive" "$static/lib$library.a"
done
hugetlbfs_archive="$(static_archive hugetlbfs)"
# Package.swift's -lhugetlbfs finds this empty archive first: the real one comes in whole below,
# and a second pass over it would define every symbol twice.
rm -f "$static/libhugetlbfs.a"
ar rc "$static/libhugetlbfs.a"
say "building the static release binary (swift build -c release --static-swift-stdlib)"
swift build -c release --static-swift-stdlib --scratch-path .build-release --product pinbench \
    -Xcc "-DPINBENCH_BUILD_VERSION=\"$version\"" -Xcc "-DPINBENCH_BUILD_COMMIT=\"$commit\"" \
    -Xlinker -L"$static" \
    -Xlinker --whole-archive -Xlinker "$hugetlbfs_archive" -Xlinker --no-whole-archive >&2 \
    || die "the release build failed (see above)"
built="$(swift build -c release --scratch-path .build-release --show-bin-path)/pinbench"
binary="$work/pinbench"
strip -o "$binary" "$built"
phase_done build "$phase"

# --- what the binary needs, measured ------------------------------------------------------------

phase=$SECONDS
said="$("$binary" --version)" || die "the built binary does not run: $binary --version"
[ "$said" = "$version" ] || die "the binary says --version '$said', not '$version': the version was not stamped"
# ldd's names, less the C library's own objects and the two C++ runtime libraries allowed.
extra="$(ldd "$binary" | awk '{print $1}' | grep -vE '^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|/lib/ld-linux-aarch64\.so\.1|ld-linux.*|libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$' || true)"
[ -z "$extra" ] || die "the binary still needs $(echo "$extra" | tr '\n' ' '): only the C library, libstdc++ and libgcc_s may remain"
needed="$(ldd "$binary" | awk '{print $1}' | tr '\n' ' ')"
glibc_floor="$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -Vu | tail -1)"
[[ "$glibc_floor" =~ ^[0-9]+\.[0-9]+$ ]] || die "could not read the glibc versions the binary needs (objdump -T)"
glibcxx_floor="$(objdump -T "$binary" | grep -o 'GLIBCXX_[0-9][0-9.]*' | sort -Vu | tail -1 || true)"
say "the binary needs: $needed; glibc $glibc_floor or newer${glibcxx_floor:+, libstdc++ with $glibcxx_floor}"
# libhugetlbfs's constructor: doctor must see a hugetlbfs mounted before it started.
if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$work/hugetlbfs"
    if mount -t hugetlbfs -o pagesize=2M none "$work/hugetlbfs" 2>/dev/null; then
        seen="$("$binary" doctor 2>&1 | grep -F 'hugetlbfs mounts (libhugetlbfs)' || true)"
        umount "$work/hugetlbfs"
        case "$seen" in
            *"2M -> $work/hugetlbfs"*) say "libhugetlbfs's set-up ran in the static binary: $(echo "$seen" | sed 's/^ *//')" ;;
            *) die "libhugetlbfs's constructor did not run in the static binary (doctor: ${seen:-no hugetlbfs line})" ;;
        esac
    else
        say "could not mount a hugetlbfs here, so libhugetlbfs's set-up was not checked"
    fi
fi
phase_done checks "$phase"

# --- the pieces, staged once -------------------------------------------------------------------

phase=$SECONDS
# scripts/install.sh lays out the binary, man pages and completions under a PREFIX.
DESTDIR="$work/stage" PREFIX=/usr bash scripts/install.sh --binary "$binary" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; die "scripts/install.sh --binary failed"; }
rm -rf "$work/stage/usr/share/pinbench"   # its install manifest: the packages keep their own lists
stamp() {
    sed -e "s/@VERSION@/$version/g" -e "s/@DEBVERSION@/$debversion/g" -e "s/@COMMIT@/$commit/g" \
        -e "s/@GLIBC_FLOOR@/$glibc_floor/g" -e "s/@ARCH@/$arch/g" -e "s/@DEBARCH@/$debarch/g" \
        -e "s|@LIBDIR@|$2|g" "$1"
}
# The module's source, self-contained: the uAPI header it shares with CPinSys goes inside.
module_source() {
    local destination="$1" module_version="$2"
    mkdir -p "$destination/uapi"
    cp kmod/Makefile kmod/Kbuild kmod/pinbench_kmod.c "$destination/"
    cp Sources/CPinSys/uapi/pinbench_kmod.h "$destination/uapi/"
    sed "s/@VERSION@/$module_version/g" kmod/dkms.conf >"$destination/dkms.conf"
}

# The tarball.
root="$work/tarball/$name"
mkdir -p "$root/bin" "$root/lib/pinbench" "$root/share"
install -m 0755 "$binary" "$root/lib/pinbench/pinbench"
stamp packaging/tarball/pinbench.in "" >"$root/bin/pinbench"
stamp packaging/tarball/pinbench-sweep.in ../lib/pinbench >"$root/bin/pinbench-sweep"
chmod 0755 "$root/bin/pinbench" "$root/bin/pinbench-sweep"
install -m 0644 scripts/lib/hugepages.sh scripts/lib/sweep-run.sh "$root/lib/pinbench/"
cp -r "$work/stage/usr/share/man" "$work/stage/usr/share/bash-completion" "$work/stage/usr/share/zsh" \
    "$work/stage/usr/share/fish" "$root/share/"
module_source "$root/src/pinbench-$version" "$version"
stamp packaging/tarball/README.in "" >"$root/README"
tarball="$out/$name.tar.gz"
tar -C "$work/tarball" --owner=0 --group=0 --numeric-owner -czf "$tarball" "$name"
phase_done tarball "$phase"

# --- the Debian packages ------------------------------------------------------------------------

phase=$SECONDS
# Depends as dpkg-shlibdeps reads them from this system's symbols files (glibc's floor
# included), so apt refuses a system the binary cannot run on.
mkdir -p "$work/shlibs/debian"
printf 'Source: pinbench\n\nPackage: pinbench\nArchitecture: any\n' >"$work/shlibs/debian/control"
depends="$(cd "$work/shlibs" && dpkg-shlibdeps -O "$binary" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || depends="libc6 (>= $glibc_floor), libgcc-s1, libstdc++6"
doc_files() {
    local package="$1" docdir="$2"
    mkdir -p "$docdir"
    stamp packaging/deb/copyright "" >"$docdir/copyright"
    printf '%s (%s) unstable; urgency=medium\n\n  * Built by scripts/release.sh from commit %s.\n\n -- %s  %s\n' \
        "$package" "$debversion" "$commit" "$maintainer" "$(git log -1 --format=%aD)" | gzip -9n >"$docdir/changelog.gz"
}
control() {
    local file="$1" package="$2" architecture="$3" package_depends="$4" description="$5" size
    size="$(du -sk --exclude=DEBIAN "$(dirname "$(dirname "$file")")" | cut -f1)"
    {
        echo "Package: $package"
        echo "Version: $debversion"
        echo "Architecture: $architecture"
        echo "Maintainer: $maintainer"
        echo "Installed-Size: $size"
        echo "Depends: $package_depends"
        echo "Section: utils"
        echo "Priority: optional"
        echo "Description: $description"
        cat
    } >"$file"
}
md5sums() { (cd "$1" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$1/DEBIAN/md5sums"; }

# pinbench: the binary itself in /usr/bin (apt's Depends do the launcher's work), the pages
# compressed as Debian's policy wants, the completions where Debian's shells look.
deb="$work/deb/pinbench"
mkdir -p "$deb/DEBIAN" "$deb/usr/bin" "$deb/usr/share/pinbench" "$deb/usr/share/man/man1"
install -m 0755 "$binary" "$deb/usr/bin/pinbench"
stamp packaging/tarball/pinbench-sweep.in /usr/share/pinbench >"$deb/usr/bin/pinbench-sweep"
chmod 0755 "$deb/usr/bin/pinbench-sweep"
install -m 0644 scripts/lib/hugepages.sh scripts/lib/sweep-run.sh "$deb/usr/share/pinbench/"
for page in "$work/stage/usr/share/man/man1/"*.1; do gzip -9nc "$page" >"$deb/usr/share/man/man1/$(basename "$page").gz"; done
# Debian's bash-completion sources the file: no #! line.
mkdir -p "$deb/usr/share/bash-completion/completions"
sed '1{/^#!/d}' "$work/stage/usr/share/bash-completion/completions/pinbench" >"$deb/usr/share/bash-completion/completions/pinbench"
install -D -m 0644 "$work/stage/usr/share/zsh/site-functions/_pinbench" "$deb/usr/share/zsh/vendor-completions/_pinbench"
install -D -m 0644 "$work/stage/usr/share/fish/vendor_completions.d/pinbench.fish" "$deb/usr/share/fish/vendor_completions.d/pinbench.fish"
doc_files pinbench "$deb/usr/share/doc/pinbench"
control "$deb/DEBIAN/control" pinbench "$debarch" "$depends" "measures how fast Linux populates and pins large memory ranges" <<'EOF'
 PinBench compares single-threaded, userspace-threaded and kernel-style
 multithreaded pinning (mlock, VFIO type1, iommufd, its own module) on
 anonymous, THP and hugetlb memory, verifies every run, and writes result
 sets and tables for patch cover letters. The kernel module that the
 kernel strategy needs is in pinbench-dkms.
EOF
md5sums "$deb"
dpkg-deb --root-owner-group -Zxz --build "$deb" "$out/pinbench_${debversion}_$debarch.deb" >/dev/null

# pinbench-dkms: the module's source under /usr/src/pinbench-<version>/, for DKMS.
dkms_deb="$work/deb/pinbench-dkms"
mkdir -p "$dkms_deb/DEBIAN" "$dkms_deb/usr/src"
module_source "$dkms_deb/usr/src/pinbench-$debversion" "$debversion"
find "$dkms_deb/usr/src" -type f -exec chmod 0644 {} +
doc_files pinbench-dkms "$dkms_deb/usr/share/doc/pinbench-dkms"
for script in postinst prerm; do
    sed "s/@VERSION@/$debversion/g" "packaging/deb/pinbench-dkms/$script" >"$dkms_deb/DEBIAN/$script"
    chmod 0755 "$dkms_deb/DEBIAN/$script"
done
control "$dkms_deb/DEBIAN/control" pinbench-dkms all "dkms (>= 2.1.0.0)" "PinBench's kernel module, built by DKMS" <<'EOF'
 The module behind PinBench's kernel strategy and --backend kmod: it pins
 a user range in the kernel with padata's semantics and times itself.
 DKMS builds it for the running kernel when this package is installed, and
 again after each kernel update (the kernel's headers are needed).
EOF
md5sums "$dkms_deb"
dpkg-deb --root-owner-group -Zxz --build "$dkms_deb" "$out/pinbench-dkms_${debversion}_all.deb" >/dev/null
phase_done packages "$phase"

# --- lintian -----------------------------------------------------------------------------------

phase=$SECONDS
if command -v lintian >/dev/null 2>&1; then
    lintian_status=0
    for package in "$out/pinbench_${debversion}_$debarch.deb" "$out/pinbench-dkms_${debversion}_all.deb"; do
        report="$(lintian --no-tag-display-limit "$package" 2>&1)" || true
        errors="$(printf '%s\n' "$report" | grep -c '^E: ' || true)"
        warnings="$(printf '%s\n' "$report" | grep -c '^W: ' || true)"
        say "lintian $(basename "$package"): $errors error(s), $warnings warning(s)"
        printf '%s\n' "$report" | grep -E '^(E|W): ' | sed 's/^/    /' >&2 || true
        [ "$errors" = 0 ] || lintian_status=1
    done
    [ "$lintian_status" = 0 ] || die "lintian found errors in the packages (listed above)"
else
    say "lintian is not installed, so the packages were not linted (apt-get install lintian)"
fi
phase_done lintian "$phase"

(cd "$out" && sha256sum "$name.tar.gz" "pinbench_${debversion}_$debarch.deb" "pinbench-dkms_${debversion}_all.deb" >SHA256SUMS)
for file in "$tarball" "$out/pinbench_${debversion}_$debarch.deb" "$out/pinbench-dkms_${debversion}_all.deb"; do
    say "$(du -h "$file" | cut -f1) $file"
done
say "glibc floor $glibc_floor; phases: ${TIMES[*]/%/;} total $((SECONDS - started)) s"
