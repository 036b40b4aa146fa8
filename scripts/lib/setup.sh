# Shared set-up for scripts/: installs what PinBench needs on Debian/Ubuntu and finds Swift.
# Sourced, not run. Works as root or through sudo.

PINBENCH_PACKAGES=(libnuma-dev libhugetlbfs-dev liburing-dev pkg-config)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages given (default: PINBENCH_PACKAGES) that are missing; fails
# (status 1) when apt cannot install them. PINBENCH_NO_RECOMMENDS=1 leaves out what they only
# recommend.
ensure_packages() {
    local wanted=("$@")
    [ "${#wanted[@]}" -gt 0 ] || wanted=("${PINBENCH_PACKAGES[@]}")
    local missing=()
    for package in "${wanted[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "pinbench: installing ${missing[*]}" >&2
        as_root apt-get update -qq || return 1
        local options=(-y -qq)
        [ "${PINBENCH_NO_RECOMMENDS:-0}" != 1 ] || options+=(--no-install-recommends)
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install "${options[@]}" "${missing[@]}" >/dev/null || return 1
    fi
}

ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        for candidate in /opt/swift/usr/bin /usr/share/swift/usr/bin "$HOME/.local/share/swiftly/bin"; do
            if [ -x "$candidate/swift" ]; then export PATH="$candidate:$PATH"; break; fi
        done
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "pinbench: Swift 6.1 or newer is needed and was not found; install it (https://www.swift.org/install/linux/) and retry" >&2
        exit 1
    fi
}

# The commit a checkout holds, as pinbench records it (PinBenchVersion.gitCommit): 12 hex
# digits, with -dirty when tracked files differ from it. Fails outside a git checkout.
checkout_commit() {
    local commit
    commit="$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null)" || return 1
    [ -z "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit-dirty"
    printf '%s\n' "$commit"
}

# The package root, whatever the caller's working directory.
PINBENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
