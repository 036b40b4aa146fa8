# hugetlb pool helpers for scripts/: find a pool, reserve pages in it, and give them back.
# Sourced, not run; safe under `set -euo pipefail`. Pools are changed as root or through sudo
# (the as_root helper of lib/setup.sh when that is sourced, `sudo tee` otherwise).
#
#   hugepage_dir SIZE [NODE]          the pool's sysfs directory (2M, 2048k, 1G, 1GiB, 2097152)
#   reserve_hugepages SIZE COUNT [NODE]
#                                     grows the pool so at least COUNT pages are free and unclaimed
#   release_hugepages                 puts back every pool this shell changed (trap-safe)
#   hugepages_release_on_exit         traps EXIT, INT and TERM to release_hugepages
#   hugepages_give_back SIZE COUNT|all [NODE]
#                                     shrinks a pool by COUNT pages (all: by its free pages)
#   hugepages_status                  a table of every pool
#
# What reserve_hugepages changed is remembered in this shell's HUGEPAGES_SAVED_* arrays, so call
# it directly, not in $(...) or a pipeline, where the memory would be lost with the subshell.
# Messages go to stderr (scripts tee stdout into result files); hugepage_dir and
# hugepages_status write their answer to stdout.

# Kept across a second `source` so pages reserved before it are still given back.
if [ -z "${HUGEPAGES_SAVED_DIRS+set}" ]; then declare -ga HUGEPAGES_SAVED_DIRS=() HUGEPAGES_SAVED_NR=(); fi
# Pages the last reserve_hugepages added to its pool (0 when it added none).
HUGEPAGES_LAST_ADDED="${HUGEPAGES_LAST_ADDED:-0}"

_hugepages_say() { echo "pinbench: $*" >&2; }

# KB -> "2 MiB", "1 GiB", "64 KiB", "1.5 GiB".
_hugepages_human() {
    local kb=$1
    if [ $((kb % 1048576)) -eq 0 ] && [ "$kb" -ne 0 ]; then echo "$((kb / 1048576)) GiB"
    elif [ "$kb" -ge 1048576 ]; then awk -v k="$kb" 'BEGIN { printf "%.1f GiB\n", k / 1048576 }'
    elif [ $((kb % 1024)) -eq 0 ] && [ "$kb" -ne 0 ]; then echo "$((kb / 1024)) MiB"
    elif [ "$kb" -ge 1024 ]; then awk -v k="$kb" 'BEGIN { printf "%.1f MiB\n", k / 1024 }'
    elif [ "$kb" -eq 0 ]; then echo "0 B"
    else echo "$kb KiB"
    fi
}

# SIZE -> kB. Sizes are written as for `pinbench --size`: a bare number is bytes; K, M, G, T
# (any case) may be followed by B or iB, all binary: 2M = 2MB = 2MiB = 2048k = 2048kB = 2097152.
_hugepages_size_kb() {
    local text=${1// /} digits unit bytes
    if [[ ! $text =~ ^([0-9]{1,15})([KkMmGgTt]?)(([Ii]?[Bb])?)$ ]] || [[ -z ${BASH_REMATCH[2]} && ${BASH_REMATCH[3],,} == ib ]]; then
        _hugepages_say "'$1' is not a huge page size: write one like 2M, 2048k, 1G or 1GiB"
        return 1
    fi
    digits=$((10#${BASH_REMATCH[1]}))
    unit=${BASH_REMATCH[2],,}
    case $unit in
        "") bytes=$digits ;;
        k) bytes=$((digits << 10)) ;;
        m) bytes=$((digits << 20)) ;;
        g) bytes=$((digits << 30)) ;;
        t) bytes=$((digits << 40)) ;;
    esac
    if [ "$bytes" -le 0 ] || [ $((bytes % 1024)) -ne 0 ]; then
        _hugepages_say "'$1' is not a huge page size: huge pages are whole KiB (2M, 1G, ...)"
        return 1
    fi
    echo $((bytes >> 10))
}

# The sizes this kernel has, as "2 MiB, 1 GiB".
_hugepages_sizes() {
    local dir kb list=()
    for dir in /sys/kernel/mm/hugepages/hugepages-*kB; do
        [ -d "$dir" ] || continue
        kb=${dir##*hugepages-}
        list+=("${kb%kB}")
    done
    if [ "${#list[@]}" -eq 0 ]; then echo "none"; return 0; fi
    local sorted=() out=""
    mapfile -t sorted < <(printf '%s\n' "${list[@]}" | sort -n)
    for kb in "${sorted[@]}"; do out+="${out:+, }$(_hugepages_human "$kb")"; done
    echo "$out"
}

# KB -> the kernel command line's form: 2M, 1G, 64K.
_hugepages_short() {
    local kb=$1
    if [ $((kb % 1048576)) -eq 0 ]; then echo "$((kb / 1048576))G"
    elif [ $((kb % 1024)) -eq 0 ]; then echo "$((kb / 1024))M"
    else echo "${kb}K"
    fi
}

# hugepage_dir SIZE [NODE]: echoes the pool's sysfs directory, or fails saying why.
hugepage_dir() {
    if [ $# -lt 1 ] || [ $# -gt 2 ]; then
        _hugepages_say "usage: hugepage_dir SIZE [NODE]"
        return 1
    fi
    local kb node=${2:-}
    kb=$(_hugepages_size_kb "$1") || return 1
    local global=/sys/kernel/mm/hugepages/hugepages-${kb}kB
    if [ ! -d /sys/kernel/mm/hugepages ]; then
        _hugepages_say "this kernel has no hugetlb pages (no /sys/kernel/mm/hugepages; CONFIG_HUGETLBFS is off)"
        return 1
    fi
    if [ ! -d "$global" ]; then
        _hugepages_say "this kernel has no $(_hugepages_human "$kb") huge pages (it has: $(_hugepages_sizes))"
        return 1
    fi
    if [ -z "$node" ]; then echo "$global"; return 0; fi
    if [[ ! $node =~ ^[0-9]{1,6}$ ]]; then
        _hugepages_say "'$node' is not a NUMA node number"
        return 1
    fi
    node=$((10#$node))
    if [ ! -d "/sys/devices/system/node/node$node" ]; then
        local nodes
        nodes=$(cat /sys/devices/system/node/online 2>/dev/null || echo "none")
        _hugepages_say "there is no NUMA node $node (online nodes: $nodes)"
        return 1
    fi
    local dir=/sys/devices/system/node/node$node/hugepages/hugepages-${kb}kB
    if [ ! -d "$dir" ]; then
        _hugepages_say "node $node has no $(_hugepages_human "$kb") pool (a node without memory has none)"
        return 1
    fi
    echo "$dir"
}

# DIR -> "on node N" for a per-node pool, "" for a global one.
_hugepages_where() {
    case $1 in
        /sys/devices/system/node/node*) local n=${1#/sys/devices/system/node/node}; echo " on node ${n%%/*}" ;;
        *) echo "" ;;
    esac
}

# DIR -> kB of its pages.
_hugepages_dir_kb() { local kb=${1##*hugepages-}; echo "${kb%kB}"; }

# Writes VALUE to FILE as root: directly, through as_root (lib/setup.sh), or through sudo.
_hugepages_write() {
    local file=$1 value=$2 err
    if [ "$(id -u)" -eq 0 ]; then
        if ! err=$( { printf '%s\n' "$value" >"$file"; } 2>&1 ); then
            _hugepages_say "could not write $value to $file: ${err##*: }"
            return 1
        fi
    elif declare -F as_root >/dev/null; then
        printf '%s\n' "$value" | as_root tee "$file" >/dev/null || { _hugepages_say "could not write $value to $file"; return 1; }
    else
        printf '%s\n' "$value" | sudo tee "$file" >/dev/null || { _hugepages_say "could not write $value to $file"; return 1; }
    fi
}

_hugepages_check_root() {
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        _hugepages_say "changing hugetlb pools needs root: run as root or install sudo"
        return 1
    fi
}

# The memory a pool's pages come from, in kB: the node's for a per-node pool.
_hugepages_mem_total_kb() {
    case $1 in
        /sys/devices/system/node/node*)
            local node=${1#/sys/devices/system/node/node}
            awk '$3 == "MemTotal:" { print $4 }' "/sys/devices/system/node/node${node%%/*}/meminfo" ;;
        *) awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo ;;
    esac
}

# Pages reserved for mappings but not yet faulted in. The kernel counts them only per size, not
# per node, so a per-node pool is charged the whole count (exact on one node, cautious on more).
_hugepages_resv() {
    local kb
    kb=$(_hugepages_dir_kb "$1")
    cat "/sys/kernel/mm/hugepages/hugepages-${kb}kB/resv_hugepages"
}

# reserve_hugepages SIZE COUNT [NODE]: grows the pool so that at least COUNT pages are free and
# not claimed by anyone's reservation (new nr_hugepages = nr + max(0, COUNT - (free - resv))),
# remembering the old nr_hugepages for release_hugepages. When the kernel gives fewer, drops
# caches, compacts memory and tries once more. Returns 0 when it got fewer (with a warning),
# nonzero only on errors: bad arguments, no such pool, no way to become root, a failed write.
reserve_hugepages() {
    if [ $# -lt 2 ] || [ $# -gt 3 ]; then
        _hugepages_say "usage: reserve_hugepages SIZE COUNT [NODE]"
        return 1
    fi
    local size=$1 count=$2 node=${3:-} dir kb
    if [[ ! $count =~ ^[0-9]{1,12}$ ]]; then
        _hugepages_say "'$count' is not a page count"
        return 1
    fi
    count=$((10#$count))
    dir=$(hugepage_dir "$size" "$node") || return 1
    kb=$(_hugepages_dir_kb "$dir")
    local human where
    human=$(_hugepages_human "$kb")
    where=$(_hugepages_where "$dir")
    HUGEPAGES_LAST_ADDED=0

    local nr free resv avail need
    nr=$(<"$dir/nr_hugepages")
    free=$(<"$dir/free_hugepages")
    resv=$(_hugepages_resv "$dir")
    avail=$((free > resv ? free - resv : 0))
    need=$((count > avail ? count - avail : 0))
    if [ "$need" -eq 0 ]; then
        _hugepages_say "reserved $count of $count $human pages ($(_hugepages_human $((count * kb))))$where: already free, pool unchanged at $nr"
        return 0
    fi
    _hugepages_check_root || return 1

    # Writing a count the memory cannot hold makes the kernel take every page it can find.
    local mem_kb
    mem_kb=$(_hugepages_mem_total_kb "$dir")
    if [ -n "$mem_kb" ] && [ $((need * kb)) -gt "$mem_kb" ]; then
        _hugepages_say "$need more $human pages ($(_hugepages_human $((need * kb)))) is more than the $(_hugepages_human "$mem_kb") of memory${where:- on this machine}; not trying"
        return 1
    fi

    # Remember before writing, so a signal during the write still gets the pool put back.
    HUGEPAGES_SAVED_DIRS+=("$dir")
    HUGEPAGES_SAVED_NR+=("$nr")
    local target=$((nr + need)) now
    if ! _hugepages_write "$dir/nr_hugepages" "$target"; then
        unset "HUGEPAGES_SAVED_DIRS[-1]" "HUGEPAGES_SAVED_NR[-1]"
        return 1
    fi
    now=$(<"$dir/nr_hugepages")
    if [ "$now" -lt "$target" ]; then
        _hugepages_say "the kernel gave $((now - nr)) of $need $human pages; dropping caches, compacting memory and trying once more"
        sync
        _hugepages_write /proc/sys/vm/drop_caches 3 || true
        if [ -e /proc/sys/vm/compact_memory ]; then _hugepages_write /proc/sys/vm/compact_memory 1 || true; fi
        _hugepages_write "$dir/nr_hugepages" "$target" || return 1
        now=$(<"$dir/nr_hugepages")
    fi
    HUGEPAGES_LAST_ADDED=$((now > nr ? now - nr : 0))

    free=$(<"$dir/free_hugepages")
    resv=$(_hugepages_resv "$dir")
    avail=$((free > resv ? free - resv : 0))
    local got=$((avail < count ? avail : count))
    local note="" boot=$count
    if [ -n "$node" ]; then boot="$((10#$node)):$count"; fi
    if [ "$HUGEPAGES_LAST_ADDED" -lt "$got" ]; then note=", $((got - HUGEPAGES_LAST_ADDED)) of them already free"; fi
    if [ "$got" -ge "$count" ]; then
        _hugepages_say "reserved $got of $count $human pages ($(_hugepages_human $((got * kb))))$where; pool $nr -> $now$note"
    else
        _hugepages_say "warning: reserved $got of $count $human pages ($(_hugepages_human $((got * kb))))$where; pool $nr -> $now$note: memory is fragmented or short, the kernel found no free contiguous $human block for the other $((count - got)); free memory and retry, or reserve at boot (hugepagesz=$(_hugepages_short "$kb") hugepages=$boot on the kernel command line)"
    fi
    return 0
}

# release_hugepages: puts every pool reserve_hugepages changed in this shell back to the size it
# had, newest change first, and forgets them. Idempotent, quiet when there is nothing to give
# back, and safe in an EXIT/INT/TERM trap. Returns nonzero only if a pool could not be written.
release_hugepages() {
    local status=0 i dir old before after kb human surplus
    while [ "${#HUGEPAGES_SAVED_DIRS[@]}" -gt 0 ]; do
        i=$((${#HUGEPAGES_SAVED_DIRS[@]} - 1))
        dir=${HUGEPAGES_SAVED_DIRS[$i]}
        old=${HUGEPAGES_SAVED_NR[$i]}
        # Forget first: a second signal during the write must not restore it twice.
        unset "HUGEPAGES_SAVED_DIRS[$i]" "HUGEPAGES_SAVED_NR[$i]"
        before=$(<"$dir/nr_hugepages")
        if [ "$before" -eq "$old" ]; then continue; fi
        if ! _hugepages_write "$dir/nr_hugepages" "$old"; then status=1; continue; fi
        after=$(<"$dir/nr_hugepages")
        kb=$(_hugepages_dir_kb "$dir")
        human=$(_hugepages_human "$kb")
        if [ "$after" -lt "$before" ]; then
            _hugepages_say "gave back $((before - after)) $human pages ($(_hugepages_human $(((before - after) * kb))))$(_hugepages_where "$dir"); pool $before -> $after"
        else
            _hugepages_say "put the $human pool$(_hugepages_where "$dir") back to $after (it was $before)"
        fi
        surplus=$(<"$dir/surplus_hugepages")
        if [ "$surplus" -gt 0 ]; then
            _hugepages_say "$surplus $human pages$(_hugepages_where "$dir") are still mapped or reserved by running programs; the kernel frees them as those let go"
        fi
    done
    return "$status"
}

# hugepages_release_on_exit: releases on exit, and on SIGINT/SIGTERM (exiting 130/143).
# Replaces any EXIT, INT and TERM traps the caller had.
hugepages_release_on_exit() {
    trap release_hugepages EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# hugepages_give_back SIZE COUNT|all [NODE]: shrinks the pool by COUNT pages, or by all its free
# pages, and reports what the kernel let go. Pages in use stay until their users let go. Not
# remembered for release_hugepages: this is for pools set up by hand, before or after a run.
hugepages_give_back() {
    if [ $# -lt 2 ] || [ $# -gt 3 ]; then
        _hugepages_say "usage: hugepages_give_back SIZE COUNT|all [NODE]"
        return 1
    fi
    local size=$1 count=$2 node=${3:-} dir kb
    if [ "$count" != all ] && [[ ! $count =~ ^[0-9]{1,12}$ ]]; then
        _hugepages_say "'$count' is not a page count"
        return 1
    fi
    dir=$(hugepage_dir "$size" "$node") || return 1
    kb=$(_hugepages_dir_kb "$dir")
    local human where nr free target after surplus asked
    human=$(_hugepages_human "$kb")
    where=$(_hugepages_where "$dir")
    nr=$(<"$dir/nr_hugepages")
    free=$(<"$dir/free_hugepages")
    if [ "$count" = all ]; then asked=$free; else asked=$((10#$count)); fi
    target=$((nr > asked ? nr - asked : 0))
    if [ "$target" -eq "$nr" ]; then
        _hugepages_say "nothing to give back: the $human pool$where holds $nr pages, $free free"
        return 0
    fi
    _hugepages_check_root || return 1
    _hugepages_write "$dir/nr_hugepages" "$target" || return 1
    after=$(<"$dir/nr_hugepages")
    free=$(<"$dir/free_hugepages")
    _hugepages_say "gave back $((nr - after)) of $asked $human pages ($(_hugepages_human $(((nr - after) * kb))))$where; pool $nr -> $after, $free free"
    surplus=$(<"$dir/surplus_hugepages")
    if [ "$surplus" -gt 0 ]; then
        _hugepages_say "$surplus $human pages$where are still mapped or reserved by running programs; the kernel frees them as those let go"
    fi
}

# hugepages_status: every pool, system-wide and per node, as a table on stdout. The kernel counts
# reserved pages only system-wide, so per-node rows show '-' there.
hugepages_status() {
    if [ ! -d /sys/kernel/mm/hugepages ]; then
        _hugepages_say "this kernel has no hugetlb pages (no /sys/kernel/mm/hugepages)"
        return 1
    fi
    local dirs=() dir kb nodedir node
    local -a kbs
    for dir in /sys/kernel/mm/hugepages/hugepages-*kB; do
        if [ -d "$dir" ]; then dirs+=("$dir"); fi
    done
    mapfile -t kbs < <(for dir in "${dirs[@]}"; do _hugepages_dir_kb "$dir"; done | sort -n)
    printf '%-8s %-5s %8s %8s %9s %8s\n' size node total free reserved surplus
    for kb in "${kbs[@]}"; do
        dir=/sys/kernel/mm/hugepages/hugepages-${kb}kB
        printf '%-8s %-5s %8s %8s %9s %8s\n' "$(_hugepages_human "$kb")" all \
            "$(<"$dir/nr_hugepages")" "$(<"$dir/free_hugepages")" \
            "$(<"$dir/resv_hugepages")" "$(<"$dir/surplus_hugepages")"
        for nodedir in /sys/devices/system/node/node[0-9]*; do
            dir=$nodedir/hugepages/hugepages-${kb}kB
            [ -d "$dir" ] || continue
            node=${nodedir##*/node}
            printf '%-8s %-5s %8s %8s %9s %8s\n' "$(_hugepages_human "$kb")" "$node" \
                "$(<"$dir/nr_hugepages")" "$(<"$dir/free_hugepages")" - \
                "$(<"$dir/surplus_hugepages")"
        done
    done
}

# hugepages_remember_all: remembers every pool's current size (system-wide and per node) as if
# reserve_hugepages had changed it, so release_hugepages puts back any pool that differs at the
# end. A safety net for programs that reserve pages themselves and might be killed before they
# give them back (scripts/sweep.sh around `pinbench sweep --reserve-hugepages`).
hugepages_remember_all() {
    local dir
    for dir in /sys/kernel/mm/hugepages/hugepages-*kB /sys/devices/system/node/node*/hugepages/hugepages-*kB; do
        [ -r "$dir/nr_hugepages" ] || continue
        HUGEPAGES_SAVED_DIRS+=("$dir")
        HUGEPAGES_SAVED_NR+=("$(<"$dir/nr_hugepages")")
    done
}
