#!/usr/bin/env bash
# PinBench's fuzz targets (Fuzz/, libFuzzer with AddressSanitizer): the command line's text
# parsers (sizes, thread counts, CPU lists, --topology), the planners on arbitrary numbers,
# what report and --resume read (runs.jsonl lines, sweep.json, machine.json), and every
# subcommand's real argument parsing and validation, in process (commands).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     each target for SECONDS (default 60)
#
# Targets: parsers planners records sets commands. Each starts from Fuzz/Corpus/<target> and keeps what
# it found in .fuzz/corpus/<target>; a crash is saved in .fuzz/artifacts/ and ends the script
# with exit 1 (reproduce: PINBENCH_FUZZ_TARGET=<target> Fuzz/.build/debug/PinBenchFuzz FILE).
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
ensure_swift
cd "$PINBENCH_ROOT"

seconds="${1:-60}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz: SECONDS must be a whole number, not '$seconds'" >&2; exit 64; }
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parsers planners records sets commands)

echo "fuzz: building Fuzz/ with -sanitize=fuzzer,address"
swift build --package-path Fuzz -c debug -Xswiftc -sanitize=fuzzer,address >/dev/null
binary="Fuzz/.build/debug/PinBenchFuzz"
mkdir -p .fuzz/artifacts

failed=0
for target in "${targets[@]}"; do
    [ -d "Fuzz/Corpus/$target" ] || { echo "fuzz: unknown target $target (parsers planners records sets commands)" >&2; exit 64; }
    corpus=".fuzz/corpus/$target"
    mkdir -p "$corpus"
    log=".fuzz/$target.log"
    # The Swift backtracer would spend minutes on a found crash; libFuzzer prints its own.
    if PINBENCH_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no "$binary" "$corpus" "Fuzz/Corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
        -artifact_prefix=".fuzz/artifacts/$target-" >"$log" 2>&1; then
        status=ok
    else
        status="CRASH (see $log and .fuzz/artifacts/)"
        failed=1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    echo "fuzz: $target: $status; $runs executions in ${seconds}s, coverage $cov edges, corpus $(ls "$corpus" | wc -l) inputs"
done
exit "$failed"
