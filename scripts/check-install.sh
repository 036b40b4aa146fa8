#!/usr/bin/env bash
# Checks scripts/install.sh end to end without touching the machine's own folders: installs the
# debug build (quick once `swift build` has run; the release build is the slow part) into a
# temporary PREFIX, checks the binary, the man pages (found by man -w, rendered by man) and the
# three completions, uninstalls and checks nothing is left; then the same staged with DESTDIR,
# and, as root, that a PREFIX nobody may write is refused with a clear error before any build.
# scripts/test.sh runs it; prints one line per check and "install: N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
ensure_swift
install_sh="$PINBENCH_ROOT/scripts/install.sh"

passed=0 failed=0
check() {
    local what="$1"
    shift
    if "$@"; then
        echo "install: ok   $what"
        passed=$((passed + 1))
    else
        echo "install: FAIL $what"
        failed=$((failed + 1))
    fi
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

if ! PREFIX="$prefix" bash "$install_sh" --debug >"$work/install.log" 2>&1; then
    tail -30 "$work/install.log"
    echo "install: 0 passed, 1 failed (scripts/install.sh --debug into $prefix failed)"
    exit 1
fi

built="$(cd "$PINBENCH_ROOT" && swift build --show-bin-path)/pinbench"
binary_runs() { cmp -s "$prefix/bin/pinbench" "$built" && "$prefix/bin/pinbench" --version | grep -Eq '^[0-9]+\.[0-9]+'; }
check "bin/pinbench is the debug build and runs (--version)" binary_runs

# One page for pinbench and one for each subcommand its help lists.
subcommands="$("$prefix/bin/pinbench" --help | awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }')"
pages_present() {
    [ -f "$prefix/share/man/man1/pinbench.1" ] && [ -n "$subcommands" ] || return 1
    for subcommand in $subcommands; do [ -f "$prefix/share/man/man1/pinbench.$subcommand.1" ] || return 1; done
}
check "man1/pinbench.1 and a page for each subcommand ($(tr '\n' ' ' <<<"$subcommands"| sed 's/ $//'))" pages_present

page="$prefix/share/man/man1/pinbench.1"
found_with_manpath() { [ "$(MANPATH="$prefix/share/man" man -w pinbench)" = "$page" ]; }
found_through_path() { [ "$(env -u MANPATH PATH="$prefix/bin:$PATH" man -w pinbench)" = "$page" ]; }
renders() {
    local out
    out="$(MANPATH="$prefix/share/man" MANPAGER=cat MANWIDTH=80 man pinbench 2>&1)" || return 1
    grep -q '^PINBENCH(1)' <<<"$out" && grep -q '^SYNOPSIS' <<<"$out" && grep -q 'pinbench.sweep(1)' <<<"$out"
}
check "man -w pinbench finds it with MANPATH=\$PREFIX/share/man" found_with_manpath
check "man -w pinbench finds it with \$PREFIX/bin on PATH" found_through_path
check "man pinbench renders (PINBENCH(1), SYNOPSIS, SEE ALSO pinbench.sweep(1))" renders

bash_loads() {
    # shellcheck disable=SC2016 # $1 is the inner bash's
    bash -c 'source "$1" && complete -p pinbench' _ "$prefix/share/bash-completion/completions/pinbench" \
        | grep -q ' pinbench$'
}
check "bash loads completions/pinbench (complete -p pinbench)" bash_loads
check "zsh: site-functions/_pinbench (#compdef pinbench)" grep -q '^#compdef pinbench' "$prefix/share/zsh/site-functions/_pinbench"
check "fish: vendor_completions.d/pinbench.fish" grep -q "^complete -c 'pinbench'" "$prefix/share/fish/vendor_completions.d/pinbench.fish"
manifest_complete() {
    diff <(find "$prefix" -type f ! -path "$prefix/share/pinbench/install-manifest" | sort) \
        <(sed -n 's/^file //p' "$prefix/share/pinbench/install-manifest" | sort)
}
check "the manifest lists every file installed" manifest_complete

PREFIX="$prefix" bash "$install_sh" --uninstall >"$work/uninstall.log" 2>&1 || cat "$work/uninstall.log"
check "--uninstall leaves nothing, not even the PREFIX it made" test ! -e "$prefix"

# --binary: a pinbench built elsewhere (the release's static build) goes in as it is, byte for
# byte, and its folder's name changes nothing; a path that is no executable is refused.
given="$work/elsewhere/pinbench"
mkdir -p "$work/elsewhere"
cp "$built" "$given"
printf 'not the build' >>"$given"   # differs from every build, so a copy of the build cannot pass
binary_given() {
    PREFIX="$work/given" bash "$install_sh" --binary "$given" >"$work/given.log" 2>&1 || return 1
    cmp -s "$work/given/bin/pinbench" "$given" && [ -f "$work/given/share/man/man1/pinbench.1" ] \
        && PREFIX="$work/given" bash "$install_sh" --uninstall >>"$work/given.log" 2>&1 && [ ! -e "$work/given" ]
}
check "--binary installs the given file byte for byte, with the pages; --uninstall removes it" binary_given
binary_refused() {
    local out
    ! out="$(PREFIX="$work/refused" bash "$install_sh" --binary "$work/missing" 2>&1)" \
        && grep -q -- "--binary $work/missing is not an executable file" <<<"$out" && [ ! -e "$work/refused" ]
}
check "--binary of a missing file is refused in one line, nothing installed" binary_refused

# A package build: everything under DESTDIR, nothing in PREFIX itself.
stage="$work/stage"
staged_prefix="$work/packaged"
staged() {
    [ -x "$stage$staged_prefix/bin/pinbench" ] && [ -f "$stage$staged_prefix/share/man/man1/pinbench.1" ] &&
        [ ! -e "$staged_prefix" ] && grep -qx "file $staged_prefix/bin/pinbench" "$stage$staged_prefix/share/pinbench/install-manifest"
}
if DESTDIR="$stage" PREFIX="$staged_prefix" bash "$install_sh" --debug >"$work/stage.log" 2>&1; then
    check "DESTDIR stages under \$DESTDIR\$PREFIX, the manifest names PREFIX, PREFIX stays untouched" staged
    DESTDIR="$stage" PREFIX="$staged_prefix" bash "$install_sh" --uninstall >>"$work/stage.log" 2>&1 || cat "$work/stage.log"
    check "DESTDIR --uninstall removes the staged PREFIX" test ! -e "$stage$staged_prefix"
else
    tail -20 "$work/stage.log"
    check "DESTDIR install" false
fi

# Refused before anything is built: a PREFIX this user cannot write, with no sudo to ask.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 && ! command -v sudo >/dev/null 2>&1; then
    mkdir -p "$work/scripts/lib" "$work/locked"
    cp "$install_sh" "$work/scripts/"
    cp "$PINBENCH_ROOT/scripts/lib/setup.sh" "$work/scripts/lib/"
    chmod -R a+rX "$work"
    chmod 0755 "$work/locked"
    status=0
    setpriv --reuid=65534 --regid=65534 --clear-groups env PREFIX="$work/locked/prefix" \
        bash "$work/scripts/install.sh" >"$work/refused.log" 2>&1 || status=$?
    refused() { [ "$status" -eq 1 ] && grep -q "$work/locked is not writable by nobody and sudo is not installed" "$work/refused.log"; }
    check "an unwritable PREFIX without sudo is refused, naming the folder" refused
else
    echo "install: skip the unwritable-PREFIX check (needs root, setpriv and no sudo)"
fi

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
