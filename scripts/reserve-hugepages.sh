#!/usr/bin/env bash
# Reserves hugetlb pages before a run and gives them back after it, or shows every pool.
# Nothing is given back on exit: the pages stay until --release (or a reboot).
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
source "$(dirname "$0")/lib/hugepages.sh"

usage() {
    cat <<'EOF'
usage: scripts/reserve-hugepages.sh [--node N] SIZE COUNT
       scripts/reserve-hugepages.sh --release [--node N] SIZE [COUNT]
       scripts/reserve-hugepages.sh --status

Reserves hugetlb pages for pinbench's hugetlb memory kinds, and keeps them reserved after it
exits: give them back with --release when the runs are done.

  SIZE COUNT         grow the SIZE pool so that at least COUNT pages are free and not claimed
                     by other programs (pages already free count); prints how many the kernel
                     really gave. If it gives fewer, caches are dropped, memory is compacted and
                     it tries once more; a shortfall is a warning, not an error.
  --release SIZE [COUNT]
                     shrink the SIZE pool by COUNT pages, or by all its free pages when COUNT
                     is left out. Pages still in use are freed when their users let go.
  --node N           use NUMA node N's pool rather than the system-wide one (pages spread
                     over the nodes).
  --status           print every pool: size, node, total, free, reserved, surplus.
  -h, --help         print this help.

SIZE is a huge page size this kernel has, written like 2M, 2048k, 1G or 1GiB.
Changing a pool needs root; run as root or have sudo.

examples:
  scripts/reserve-hugepages.sh 2M 512              # 1 GiB in 2 MiB pages
  scripts/reserve-hugepages.sh --node 0 1G 4       # 4 GiB in 1 GiB pages on node 0
  scripts/reserve-hugepages.sh --release 2M 512
EOF
}

bad_usage() {
    if [ $# -gt 0 ]; then echo "pinbench: $*" >&2; fi
    echo "usage: scripts/reserve-hugepages.sh [--node N] SIZE COUNT | --release [--node N] SIZE [COUNT] | --status  (--help for more)" >&2
    exit 2
}

mode=reserve
node=""
args=()
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        --status) [ "$mode" = reserve ] || bad_usage "--status does not go with --release"; mode=status ;;
        --release) [ "$mode" = reserve ] || bad_usage "--release does not go with --status"; mode=release ;;
        --node) [ $# -ge 2 ] || bad_usage "--node needs a node number"; node=$2; shift ;;
        --node=*) node=${1#--node=} ;;
        --) shift; args+=("$@"); break ;;
        -[0-9]*) args+=("$1") ;;  # a negative count, rejected below with a clearer message
        -*) bad_usage "unknown option '$1'" ;;
        *) args+=("$1") ;;
    esac
    shift
done
if [ -n "$node" ] && [[ ! $node =~ ^[0-9]+$ ]]; then bad_usage "'$node' is not a NUMA node number"; fi

is_count() { [[ $1 =~ ^[0-9]{1,12}$ ]]; }
# A size or node this kernel lacks is a bad argument too (hugepage_dir says which sizes it has).
check_pool() { hugepage_dir "$1" ${node:+"$node"} >/dev/null || bad_usage; }

case $mode in
    status)
        [ "${#args[@]}" -eq 0 ] || bad_usage "--status takes no other arguments"
        [ -z "$node" ] || bad_usage "--status shows every node; --node does not go with it"
        hugepages_status
        ;;
    reserve)
        [ "${#args[@]}" -eq 2 ] || bad_usage "give a page size and a count, like 2M 512"
        is_count "${args[1]}" || bad_usage "'${args[1]}' is not a page count"
        check_pool "${args[0]}"
        reserve_hugepages "${args[0]}" "${args[1]}" ${node:+"$node"} || exit 1
        if [ "$HUGEPAGES_LAST_ADDED" -gt 0 ]; then
            echo "pinbench: these stay reserved; give them back with: $0 --release${node:+ --node $node} ${args[0]} $HUGEPAGES_LAST_ADDED" >&2
        fi
        ;;
    release)
        [ "${#args[@]}" -ge 1 ] && [ "${#args[@]}" -le 2 ] || bad_usage "give a page size and optionally a count, like --release 2M 512"
        count=all
        if [ "${#args[@]}" -eq 2 ]; then
            is_count "${args[1]}" || bad_usage "'${args[1]}' is not a page count"
            count=${args[1]}
        fi
        check_pool "${args[0]}"
        hugepages_give_back "${args[0]}" "$count" ${node:+"$node"} || exit 1
        ;;
esac
