# The main job's run, shared by scripts/sweep.sh (which builds first) and the release's
# bin/pinbench-sweep (which runs the packaged binary): as root, the hugetlb pages the sweep needs
# are reserved by pinbench itself and every pool is put back at the end, also on failure or
# Ctrl-C (the trap of lib/hugepages.sh, which must be sourced first).
# Sourced, not run.
#
#   sweep_run PINBENCH [SWEEP OPTIONS...]     runs `PINBENCH sweep`; returns its exit status

sweep_run() {
    local pinbench="$1" reserve=() argument resuming=0 started status=0
    shift
    if [ "$(id -u)" -eq 0 ]; then
        for argument in "$@"; do [ "$argument" = "--resume" ] && resuming=1; done
        # pinbench grows the pools and gives the pages back itself; if it is killed before it
        # can, this trap puts every pool back the way it was.
        hugepages_remember_all
        hugepages_release_on_exit
        if [ "$resuming" -eq 0 ]; then reserve=(--reserve-hugepages); fi
    else
        echo "pinbench: not root, so no hugepages are reserved: hugetlb cells run only if the pools already hold enough (run it as root to have them reserved)" >&2
    fi
    started=$SECONDS
    "$pinbench" sweep "${reserve[@]+"${reserve[@]}"}" "$@" || status=$?
    echo "pinbench: the sweep took $((SECONDS - started)) s" >&2
    return "$status"
}
