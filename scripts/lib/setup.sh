# Shared set-up for scripts/: installs what PinBench needs on Debian/Ubuntu and finds Swift.
# Sourced, not run. Works as root or through sudo.

PINBENCH_PACKAGES=(libnuma-dev libhugetlbfs-dev liburing-dev pkg-config)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_packages() {
    local missing=()
    for package in "${PINBENCH_PACKAGES[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "pinbench: installing ${missing[*]}" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
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

# The package root, whatever the caller's working directory.
PINBENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
