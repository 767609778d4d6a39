#!/usr/bin/env bash
# The performance figures of bench/README.md, in one invocation, for the
# default job of each model (model capacity: jobs/epoch-2030.yaml; model
# demand: jobs/epoch-2030-demand.yaml):
#   1. cost per phase (mc_bench, one core, median of 5);
#   2. end to end (`crossover run`, sampling to write) at 1 and 2 ranks:
#      samples/s, samples/s per core, parallel efficiency (medians of R runs,
#      the two models' runs alternating), and the NumPy reference of each
#      model (bench/numpy_baseline.py, one core) run after each of its 1-rank
#      runs, so that each pair meets the same load on a shared machine: the
#      ratio of the medians and the median of the pairs' ratios;
#   3. peak memory per rank at growing sample counts (flat in n).
# Usage: bench/run.sh [BUILD_DIR]   (env: N samples per run, R repeats, SIZES, MODELS,
#                                    NUMPY_N samples per NumPy run)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
N=${N:-4000000}
R=${R:-3}
SIZES=${SIZES:-"1000000 10000000"}
NUMPY_N=${NUMPY_N:-100000}
MODELS=${MODELS:-"capacity demand"}
exe=$build/mc/crossover
declare -A job=([capacity]=jobs/epoch-2030.yaml [demand]=jobs/epoch-2030-demand.yaml)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 1. cost per phase"
for m in $MODELS; do
  echo "-- model $m (${job[$m]})"
  "$build/bench/mc_bench" "${job[$m]}" 1000000 5
done

# run JOB RANKS SAMPLES -> prints "rate per_rank rss_mib"
run() {
  rm -f "$tmp/o.h5"
  mpiexec -n "$2" "$exe" run "$1" --samples "$3" -o "$tmp/o.h5" 2>&1 |
    sed -n 's/.*(\([0-9.e+]*\) samples\/s, \([0-9.e+]*\) per rank); peak memory per rank \([0-9.]*\) MiB/\1 \2 \3/p'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

numpy_rate() {
  /usr/bin/python3 bench/numpy_baseline.py --model "$1" -n "$NUMPY_N" --repeat 1 --json |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["samples_per_second"]["total"])'
}

echo "== 2. end to end, $N samples, median of $R (models alternating; NumPy, $NUMPY_N samples, after each 1-rank run)"
for m in $MODELS; do : > "$tmp/numpy-$m"; done
for ranks in 1 2; do
  for m in $MODELS; do : > "$tmp/rates-$m-$ranks"; done
  for _ in $(seq "$R"); do
    for m in $MODELS; do
      run "${job[$m]}" "$ranks" "$N" | awk '{print $1}' >> "$tmp/rates-$m-$ranks"
      [ "$ranks" = 1 ] && numpy_rate "$m" >> "$tmp/numpy-$m"
    done
  done
done
declare -A rate
for m in $MODELS; do
  for ranks in 1 2; do
    r=$(median < "$tmp/rates-$m-$ranks")
    rate[$m-$ranks]=$r
    printf '  %-8s %d rank(s): %.4g samples/s, %.4g samples/s per core  (runs: %s)\n' "$m" "$ranks" "$r" \
      "$(awk -v m="$r" -v r="$ranks" 'BEGIN {print m / r}')" "$(tr '\n' ' ' < "$tmp/rates-$m-$ranks")"
  done
  awk -v a="${rate[$m-1]}" -v b="${rate[$m-2]}" -v m="$m" \
    'BEGIN {printf "  %-8s parallel efficiency 1 -> 2 ranks: %.1f%%\n", m, 100 * b / (2 * a)}'
  np=$(median < "$tmp/numpy-$m")
  pairs=$(paste -d' ' "$tmp/rates-$m-1" "$tmp/numpy-$m" | awk '{print $1 / $2}' | median)
  printf '  %-8s numpy: %.4g samples/s (runs: %s); crossover (1 rank) / numpy: %.1fx, median of the pairs %.1fx\n' \
    "$m" "$np" "$(awk '{printf "%.3g ", $1}' "$tmp/numpy-$m")" "$(awk -v a="${rate[$m-1]}" -v b="$np" 'BEGIN {print a / b}')" "$pairs"
done

echo "== 3. peak memory per rank (2 ranks)"
for m in $MODELS; do
  for n in $SIZES; do
    printf '  %-8s %12d samples: %s MiB\n' "$m" "$n" "$(run "${job[$m]}" 2 "$n" | awk '{print $3}')"
  done
done
