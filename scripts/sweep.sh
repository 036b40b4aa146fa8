#!/usr/bin/env bash
# The main job: compares single, user and kernel pinning on this machine for populate and
# mlock over anon and THP memory (1 GiB, threads = CPUs), prints the tables, and writes the
# records and tables to results/<host>-<date>/. Arguments after -- go to every `pinbench run`.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
ensure_packages
ensure_swift
cd "$PINBENCH_ROOT"

extra=()
if [ "${1:-}" = "--" ]; then shift; extra=("$@"); fi

swift build -c release --product pinbench >&2
pinbench="$(swift build -c release --show-bin-path)/pinbench"

threads="$(nproc)"
set_dir="results/$(hostname -s)-$(date +%Y-%m-%d)"
# A second run on the same day gets its own set rather than mixing into the first.
if [ -e "$set_dir" ]; then
    n=2
    while [ -e "$set_dir-$n" ]; do n=$((n + 1)); done
    set_dir="$set_dir-$n"
fi
mkdir -p "$set_dir"
summary="$set_dir/summary.md"
echo "pinbench: writing $set_dir/runs.jsonl and $summary" >&2
{
    echo "# PinBench default comparison, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Command: scripts/sweep.sh ${extra[*]:-}"
} >"$summary"

status=0
for backend in populate mlock; do
    for memory in anon thp; do
        echo >>"$summary"
        "$pinbench" run --backend "$backend" --memory "$memory" --size 1G --threads "$threads" \
            --strategy all --reps 5 --warmup 1 --jsonl "$set_dir/runs.jsonl" "${extra[@]}" \
            | tee -a "$summary" || status=$?
        if [ "$status" -ge 128 ]; then exit "$status"; fi  # interrupted: keep what is on disk
    done
done
exit "$status"
