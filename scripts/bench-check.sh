#!/usr/bin/env bash
# Runs the benchmark suite in Benchmarks/ (package-benchmark) and checks it against the ceilings
# in Benchmarks/Thresholds/ceilings.md. Not part of the test command: it takes minutes and its
# figures belong to the machine it runs on.
#
#   scripts/bench-check.sh                        the whole suite, its tables, then the checks
#   scripts/bench-check.sh --target EngineBenchmarks   options after it go to `swift package benchmark`
#
# Exit status: 0 every ceiling holds; 1 a value is over its ceiling; 2 a ceiling's benchmark was
# not measured, or the suite failed to build or run.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
ensure_packages
ensure_swift
cd "$PINBENCH_ROOT/Benchmarks"

baseline=bench-check
ceilings=Thresholds/ceilings.md
exported="$(mktemp -d)"
trap 'rm -rf "$exported"' EXIT

# Stored as a baseline (.benchmarkBaselines/<target>/bench-check/, ignored by git) so that the
# tables and the checks read one run, instead of running the suite twice. The last check's
# baseline goes first: a --target run would otherwise be checked with other targets' old figures.
rm -rf .benchmarkBaselines/*/"$baseline"
swift package --allow-writing-to-package-directory benchmark baseline update "$baseline" --no-progress "$@" || exit 2
swift package benchmark baseline read "$baseline" --no-progress
swift package benchmark baseline read "$baseline" --format histogramPercentiles --path "$exported" --no-progress >/dev/null || exit 2

trim() { local text="$1"; text="${text#"${text%%[![:space:]]*}"}"; echo "${text%"${text##*[![:space:]]}"}"; }

over=0 missing=0 held=0
printf '\n%-28s %-40s %-32s %5s %10s %10s\n' target benchmark metric pct value ceiling
while IFS='|' read -r _ target name metric percentile ceiling _; do
    target="$(trim "$target")" name="$(trim "$name")" metric="$(trim "$metric")"
    percentile="$(trim "$percentile")" ceiling="$(trim "$ceiling")"
    [[ "$target" =~ ^[A-Za-z]+Benchmarks$ ]] || continue  # the header and anything that is not a row
    # package-benchmark's file name: baseline.target.name.metric, '/' and ' ' made '_'.
    file="$baseline.$target.$name.$metric.histogram.percentiles.tsv"
    file="${file//\//_}"
    file="$exported/${file// /_}"
    if [ ! -f "$file" ]; then
        printf '%-28s %-40s %-32s %5s %10s %10s  NOT MEASURED\n' "$target" "$name" "$metric" "$percentile" - "$ceiling"
        missing=$((missing + 1))
        continue
    fi
    # A scaled unit (K, M, µs, ms) would compare the wrong numbers: the suite pins these to raw units.
    header="$(head -n 1 "$file")"
    if [[ "$header" =~ \((K|M|G|T|P|μs|ms|s)\) ]]; then
        echo "bench-check: $file is in scaled units ($header); pin the metric to .count in its configuration" >&2
        exit 2
    fi
    value="$(awk -F'\t' -v p="${percentile#p}" 'NR > 1 && $1 == p { print $2 }' "$file")"
    if [ -z "$value" ]; then
        echo "bench-check: no $percentile in $file" >&2
        exit 2
    fi
    if ! [[ "$value" =~ ^[0-9]+$ && "$ceiling" =~ ^[0-9]+$ ]]; then
        echo "bench-check: not whole numbers: value '$value', ceiling '$ceiling' ($target $name $metric)" >&2
        exit 2
    fi
    verdict=ok
    if [ "$value" -gt "$ceiling" ]; then verdict=OVER; over=$((over + 1)); else held=$((held + 1)); fi
    printf '%-28s %-40s %-32s %5s %10s %10s  %s\n' "$target" "$name" "$metric" "$percentile" "$value" "$ceiling" "$verdict"
done < "$ceilings"

echo
if [ "$over" -gt 0 ]; then
    echo "bench-check: $over value(s) over their ceiling, $held held (ceilings: Benchmarks/$ceilings)"
    exit 1
fi
if [ "$missing" -gt 0 ]; then
    echo "bench-check: $held ceilings held; $missing not measured (a --target or --filter left them out, or they failed)"
    exit 2
fi
echo "bench-check: all $held ceilings held"
