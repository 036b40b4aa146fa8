#!/usr/bin/env bash
# Installs pinbench where people expect it: the binary in $PREFIX/bin, its manual pages
# (pinbench.1 and one page a subcommand, made by swift-argument-parser's generate-manual plugin)
# in $PREFIX/share/man/man1, and its bash, zsh and fish completions; ends by checking that the
# installed pinbench runs and that `man -w pinbench` finds its page.
#
#   scripts/install.sh                          build in release, install under /usr/local
#   PREFIX=$HOME/.local scripts/install.sh      anywhere else (sudo only where you cannot write)
#   DESTDIR=/tmp/stage scripts/install.sh       stage for a package: files go to $DESTDIR$PREFIX
#   scripts/install.sh --debug                  the debug build instead (PINBENCH_BUILD=debug)
#   scripts/install.sh --binary PATH            install a pinbench built elsewhere (scripts/release.sh
#                                               stages its static build this way); nothing is built
#                                               but the manual pages, in the debug configuration
#   scripts/install.sh --uninstall              remove what the last install under PREFIX put there
#
# What it installed is listed in $PREFIX/share/pinbench/install-manifest, and --uninstall removes
# exactly that (with the same PREFIX and DESTDIR), and the folders it made, when they are empty.
# The binary needs the Swift runtime of the toolchain that built it (found through its RUNPATH).
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"

usage() {
    echo "usage: [PREFIX=/usr/local] [DESTDIR=] [PINBENCH_BUILD=release|debug] scripts/install.sh [--debug] [--binary PATH] [--uninstall]"
}

die() {
    echo "pinbench install: $*" >&2
    exit 1
}

note() { echo "pinbench install: $*" >&2; }

mode=install
build="${PINBENCH_BUILD:-release}"
given_binary=""
while [ $# -gt 0 ]; do
    case "$1" in
        --uninstall) mode=uninstall ;;
        --debug) build=debug ;;
        --release) build=release ;;
        --binary)
            [ $# -ge 2 ] || { usage >&2; exit 64; }
            given_binary="$2"
            shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 64 ;;
    esac
    shift
done
if [ -n "$given_binary" ]; then
    [ -f "$given_binary" ] && [ -x "$given_binary" ] || die "--binary $given_binary is not an executable file"
    given_binary="$(cd "$(dirname "$given_binary")" && pwd)/$(basename "$given_binary")"
    # Only the manual pages are built, and their text does not depend on the configuration.
    build=debug
fi
case "$build" in
    release | debug) ;;
    *) die "PINBENCH_BUILD is '$build'; it must be release or debug" ;;
esac

PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
[[ "$PREFIX" == /* ]] || die "PREFIX must be an absolute path, not '$PREFIX'"
[[ -z "$DESTDIR" || "$DESTDIR" == /* ]] || die "DESTDIR must be an absolute path, not '$DESTDIR'"
[[ "/$PREFIX/" != */../* && "/$DESTDIR/" != */../* ]] || die "PREFIX and DESTDIR may not contain '..'"
while [[ "$PREFIX" == */ && "$PREFIX" != / ]]; do PREFIX="${PREFIX%/}"; done
DESTDIR="${DESTDIR%/}"
[ "$PREFIX" != / ] || die "PREFIX=/ is not supported: pick /usr/local, /opt/pinbench or \$HOME/.local"

bindir="$PREFIX/bin"
mandir="$PREFIX/share/man"
man1dir="$mandir/man1"
bashdir="$PREFIX/share/bash-completion/completions"
zshdir="$PREFIX/share/zsh/site-functions"
fishdir="$PREFIX/share/fish/vendor_completions.d"
datadir="$PREFIX/share/pinbench"
manifest="$datadir/install-manifest"
stage() { printf '%s%s' "$DESTDIR" "$1"; }

# --- who writes: this user where it can, sudo where it cannot, never sudo as root -------------

# The folder that creating or writing in $1 needs to be writable: $1 itself or its nearest
# existing parent.
nearest_existing() {
    local dir="$1"
    while [ ! -e "$dir" ]; do dir="$(dirname "$dir")"; done
    printf '%s' "$dir"
}

use_sudo=0
choose_privilege() {
    [ "$(id -u)" -ne 0 ] || return 0
    local blocked=""
    for dir in "$@"; do
        local existing
        existing="$(nearest_existing "$(stage "$dir")")"
        if [ ! -d "$existing" ]; then die "$existing is in the way of $(stage "$dir"): it is not a folder"; fi
        if [ ! -w "$existing" ]; then blocked="$existing"; break; fi
    done
    [ -n "$blocked" ] || return 0
    if ! command -v sudo >/dev/null 2>&1; then
        die "$blocked is not writable by $(id -un) and sudo is not installed: run this as root, or pick a PREFIX you can write, e.g. PREFIX=\$HOME/.local scripts/install.sh"
    fi
    note "$blocked is not writable by $(id -un): the steps that write there use sudo"
    use_sudo=1
}

# Checks sudo once, right before the first write (a password prompt then, not after the build).
sudo_checked=0
privileged() {
    if [ "$use_sudo" -eq 0 ]; then "$@"; return; fi
    if [ "$sudo_checked" -eq 0 ]; then
        sudo -v || die "sudo failed, so nothing could be written under $(stage "$PREFIX"): run this as root, or pick a PREFIX you can write"
        sudo_checked=1
    fi
    sudo "$@"
}

# --- the manifest: "file PATH" for each file, "dir PATH" for each folder it made ---------------

# The manifest's lines whose kind is $1, each path checked to lie inside PREFIX.
manifest_paths() {
    local kind="$1" file
    file="$(stage "$manifest")"
    [ -f "$file" ] || return 0
    local entry_kind path
    while IFS=' ' read -r entry_kind path; do
        [ "$entry_kind" = "$kind" ] || continue
        case "$path" in
            "$PREFIX" | "$PREFIX"/*) ;;
            *) die "$file names $path, outside PREFIX=$PREFIX: refusing to touch it (a damaged manifest, or another PREFIX)" ;;
        esac
        [[ "/$path/" != */../* ]] || die "$file names $path, which contains '..': refusing to touch it"
        printf '%s\n' "$path"
    done <"$file"
}

# Refreshes the man-db index when PREFIX's man pages are in the system's man path (as for
# /usr/local), so that apropos and whatis know pinbench; man itself finds pages without it.
# All of it, not just $mandir: Debian's /usr/local/man is a link to share/man with an index of
# its own, and whatis reads that one (under a second a run when little changed).
refresh_man_index() {
    [ -z "$DESTDIR" ] || return 0
    command -v mandb >/dev/null 2>&1 || return 0
    local system_path
    system_path="$(manpath -g 2>/dev/null || true)"
    case ":$system_path:" in
        *":$mandir:"*) privileged mandb -q >/dev/null 2>&1 || note "mandb could not refresh the man index (man pinbench still works)" ;;
        *) ;;
    esac
}

# --- uninstall --------------------------------------------------------------------------------

uninstall() {
    local file
    file="$(stage "$manifest")"
    [ -f "$file" ] || die "nothing to uninstall: no manifest at $file (installed with another PREFIX or DESTDIR?)"
    local files dirs
    files="$(manifest_paths file)"
    dirs="$(manifest_paths dir)"
    local parents=("$datadir") path
    while IFS= read -r path; do [ -z "$path" ] || parents+=("$(dirname "$path")"); done <<<"$files"
    choose_privilege "${parents[@]}"
    while IFS= read -r path; do
        [ -n "$path" ] || continue
        if [ -e "$(stage "$path")" ] || [ -L "$(stage "$path")" ]; then
            privileged rm -f "$(stage "$path")"
            echo "removed $(stage "$path")"
        else
            echo "already gone: $(stage "$path")"
        fi
    done <<<"$files"
    privileged rm -f "$file"
    echo "removed $file"
    # Deepest first, so that a folder's emptied subfolders go before it; one that holds
    # something else (another program's completions) stays.
    while IFS= read -r path; do
        [ -n "$path" ] || continue
        if [ -d "$(stage "$path")" ]; then
            if privileged rmdir "$(stage "$path")" 2>/dev/null; then
                echo "removed $(stage "$path")/"
            else
                echo "kept $(stage "$path")/ (not empty)"
            fi
        fi
    done < <(printf '%s\n' "$dirs" | awk 'NF { print length($0) "\t" $0 }' | sort -rn | cut -f2-)
    refresh_man_index
    if [ -z "$DESTDIR" ] && command -v man >/dev/null 2>&1; then
        local page
        if page="$(MANPATH="$mandir" man -w pinbench 2>/dev/null)"; then
            note "man -w pinbench still finds $page"
        else
            echo "check: man -w pinbench finds no page under $mandir"
        fi
    fi
    echo "pinbench uninstalled from $(stage "$PREFIX")"
}

if [ "$mode" = uninstall ]; then
    uninstall
    exit 0
fi

# --- install: build, generate, then copy ------------------------------------------------------

started=$SECONDS
choose_privilege "$bindir" "$man1dir" "$bashdir" "$zshdir" "$fishdir" "$datadir"

ensure_packages || die "could not install the packages pinbench builds against (${PINBENCH_PACKAGES[*]})"
# man-db (with groff-base) for the check at the end and for `man pinbench` afterwards; a
# package build (DESTDIR) needs neither.
if [ -z "$DESTDIR" ] && ! command -v man >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        ensure_packages man-db groff-base || note "could not install man-db: the pages are installed, but man cannot show them yet"
    else
        note "man is not installed: the pages are installed, but nothing here can show them yet"
    fi
fi
ensure_swift
cd "$PINBENCH_ROOT"

if [ -n "$given_binary" ]; then
    built="$given_binary"
else
    note "building pinbench ($build)"
    swift build -c "$build" --product pinbench >&2
    built="$(swift build -c "$build" --show-bin-path)/pinbench"
    [ -x "$built" ] || die "the build did not leave $built"
fi

# The plugin builds the package in the configuration given, then runs its generate-manual tool on
# every executable product; it writes into its own work folder, so it needs no
# --allow-writing-to-package-directory, and it takes no --product (the tool refuses unknown
# options). The pages carry the date of the commit, so that a rebuild of it makes the same pages.
pages_dir="$PINBENCH_ROOT/.build/plugins/GenerateManual/outputs/pinbench"
rm -rf "$pages_dir"
page_date="$(git -C "$PINBENCH_ROOT" log -1 --format=%cs 2>/dev/null || true)"
[[ "$page_date" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || page_date="$(date +%F)"
note "generating the manual pages (swift package generate-manual)"
swift package generate-manual --configuration "$build" --multi-page --date "$page_date" >&2 \
    || die "swift package generate-manual failed (see above)"
[ -f "$pages_dir/pinbench.1" ] || die "generate-manual left no pinbench.1 in $pages_dir"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for shell in bash zsh fish; do
    "$built" --generate-completion-script "$shell" >"$work/completion.$shell" \
        || die "pinbench --generate-completion-script $shell failed"
    [ -s "$work/completion.$shell" ] || die "pinbench --generate-completion-script $shell printed nothing"
done

# What goes where: source, destination, mode.
plan=("$built" "$bindir/pinbench" 0755)
for page in "$pages_dir"/*.1; do plan+=("$page" "$man1dir/$(basename "$page")" 0644); done
plan+=("$work/completion.bash" "$bashdir/pinbench" 0644)
plan+=("$work/completion.zsh" "$zshdir/_pinbench" 0644)
plan+=("$work/completion.fish" "$fishdir/pinbench.fish" 0644)

# Folders this install makes (up to and including PREFIX), to be removed when empty on uninstall;
# those an earlier install made are kept in the list.
made_dirs=()
old_dirs="$(manifest_paths dir)"
while IFS= read -r path; do [ -z "$path" ] || made_dirs+=("$path"); done <<<"$old_dirs"
make_dir() {
    local dir="$1" missing=()
    # Stops at PREFIX's parent: the folders above it (in DESTDIR too) are not this install's.
    while [ "$dir" != / ] && [[ "$dir" == "$PREFIX" || "$dir" == "$PREFIX"/* ]] && [ ! -d "$(stage "$dir")" ]; do
        missing+=("$dir")
        dir="$(dirname "$dir")"
    done
    [ "${#missing[@]}" -gt 0 ] || return 0
    privileged mkdir -p "$(stage "$1")"
    made_dirs+=("${missing[@]}")
}

old_files="$(manifest_paths file)"
declare -A new_files=()
{
    echo "# Installed by pinbench's scripts/install.sh (PREFIX=$PREFIX); scripts/install.sh --uninstall removes"
    echo "# each file below, this manifest, then each dir that is empty."
} >"$work/manifest"

echo "installing pinbench into $(stage "$PREFIX"):"
for ((i = 0; i < ${#plan[@]}; i += 3)); do
    source_file="${plan[i]}" destination="${plan[i + 1]}" file_mode="${plan[i + 2]}"
    make_dir "$(dirname "$destination")"
    privileged install -m "$file_mode" "$source_file" "$(stage "$destination")"
    new_files["$destination"]=1
    echo "file $destination" >>"$work/manifest"
    echo "  $(stage "$destination")"
done

# Pages (or anything else) an earlier install put there that this one no longer makes.
while IFS= read -r path; do
    [ -n "$path" ] || continue
    [ -z "${new_files[$path]:-}" ] || continue
    privileged rm -f "$(stage "$path")"
    echo "  removed $(stage "$path") (installed before, no longer made)"
done <<<"$old_files"

make_dir "$datadir"
printf '%s\n' "${made_dirs[@]}" | awk 'NF && !seen[$0]++ { print "dir " $0 }' >>"$work/manifest"
privileged install -m 0644 "$work/manifest" "$(stage "$manifest")"
echo "  $(stage "$manifest") (what --uninstall removes)"
refresh_man_index

# --- the check: the installed binary runs, man finds its page, bash loads its completion ------

installed="$(stage "$bindir/pinbench")"
version="$("$installed" --version)" || die "check failed: $installed --version exited $?"
echo "check: $installed --version: $version"

if command -v man >/dev/null 2>&1; then
    expected="$(realpath "$(stage "$man1dir/pinbench.1")")"
    page=""
    if [ -z "$DESTDIR" ] && page="$(man -w pinbench 2>/dev/null)" && [ "$(realpath "$page")" = "$expected" ]; then
        echo "check: man -w pinbench: $page"
    elif page="$(MANPATH="$(stage "$mandir")" man -w pinbench 2>/dev/null)" && [ "$(realpath "$page")" = "$expected" ]; then
        echo "check: MANPATH=$(stage "$mandir") man -w pinbench: $page"
        if [ -z "$DESTDIR" ]; then
            echo "  (a plain 'man pinbench' finds it once $bindir is on PATH, or with MANPATH=\"$mandir:\"; the colon keeps the usual pages)"
        fi
    else
        die "check failed: man -w pinbench does not find $expected"
    fi
else
    echo "check: man is not installed, so man -w pinbench was not tried"
fi

bash_completion="$(stage "$bashdir/pinbench")"
# shellcheck disable=SC2016 # expanded by the inner bash
bash -c 'source "$1" && complete -p pinbench' _ "$bash_completion" >/dev/null \
    || die "check failed: bash could not load $bash_completion"
echo "check: bash loads $bash_completion (complete -p pinbench)"

if [ -z "$DESTDIR" ]; then
    found="$(command -v pinbench || true)"
    if [ -z "$found" ]; then
        echo "note: $bindir is not on PATH; add it to run plain 'pinbench'"
    elif [ "$(realpath "$found")" != "$(realpath "$installed")" ]; then
        echo "note: 'pinbench' on PATH is $found, not $installed"
    fi
fi
echo "pinbench installed into $(stage "$PREFIX") in $((SECONDS - started)) s; scripts/install.sh --uninstall removes it"
