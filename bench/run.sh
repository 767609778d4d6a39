#!/usr/bin/env bash
# The performance figures of bench/README.md, in one invocation:
#   1. cost per phase (mc_bench, one core, median of 5);
#   2. end to end (`crossover run` of the default job, sampling to write) at 1 and
#      2 ranks: samples/s, samples/s per core, parallel efficiency (medians of R);
#   3. peak memory per rank at growing sample counts (flat in n);
#   4. the NumPy reference of MODEL.md (bench/numpy_baseline.py) on the same
#      machine in the same run, and the ratio.
# Usage: bench/run.sh [BUILD_DIR]   (env: N samples per run, R repeats, SIZES)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
N=${N:-4000000}
R=${R:-3}
SIZES=${SIZES:-"1000000 10000000"}
NUMPY_N=${NUMPY_N:-200000}
exe=$build/mc/crossover
job=jobs/epoch-2030.yaml
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 1. cost per phase"
"$build/bench/mc_bench" "$job" 1000000 5

# run RANKS SAMPLES -> prints "rate per_rank rss_mib"
run() {
  rm -f "$tmp/o.h5"
  mpiexec -n "$1" "$exe" run "$job" --samples "$2" -o "$tmp/o.h5" 2>&1 |
    sed -n 's/.*(\([0-9.e+]*\) samples\/s, \([0-9.e+]*\) per rank); peak memory per rank \([0-9.]*\) MiB/\1 \2 \3/p'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== 2. end to end, $N samples, median of $R"
for ranks in 1 2; do
  : > "$tmp/rates$ranks"
  for _ in $(seq "$R"); do run "$ranks" "$N" | awk '{print $1}' >> "$tmp/rates$ranks"; done
  m=$(median < "$tmp/rates$ranks")
  eval "rate$ranks=$m"
  printf '  %d rank(s): %.4g samples/s, %.4g samples/s per core  (runs: %s)\n' "$ranks" "$m" \
    "$(awk -v m="$m" -v r="$ranks" 'BEGIN {print m / r}')" "$(tr '\n' ' ' < "$tmp/rates$ranks")"
done
awk -v a="$rate1" -v b="$rate2" 'BEGIN {printf "  parallel efficiency 1 -> 2 ranks: %.1f%%\n", 100 * b / (2 * a)}'

echo "== 3. peak memory per rank (2 ranks)"
for n in $SIZES; do
  printf '  %12d samples: %s MiB\n' "$n" "$(run 2 "$n" | awk '{print $3}')"
done

echo "== 4. NumPy reference (bench/numpy_baseline.py, $NUMPY_N samples, one core)"
np=$(/usr/bin/python3 bench/numpy_baseline.py -n "$NUMPY_N" --repeat 1 --json |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["samples_per_second"]["total"])')
printf '  numpy: %.4g samples/s\n' "$np"
awk -v a="$rate1" -v b="$np" 'BEGIN {printf "  crossover (1 rank) / numpy: %.1fx\n", a / b}'
