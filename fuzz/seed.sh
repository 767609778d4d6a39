#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets: OUT/job (every job file of the
# repository) and OUT/results (small results files, parts, merged files and
# checkpoints written by `crossover run` and `crossover merge`).
# Usage: fuzz/seed.sh CROSSOVER OUT
set -euo pipefail
exe=$1 out=$2
src=$(cd "$(dirname "$0")/.." && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$out/job" "$out/results"
for f in "$src"/jobs/*.yaml "$src"/tests/jobs/*.yaml "$src"/tests/jobs/bad/*.yaml; do
  cp "$f" "$out/job/$(basename "$(dirname "$f")")-$(basename "$f")"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Small grids, few percentiles and a coarse accuracy keep the files small.
base='time: {base_year: 2025, horizon_year: HORIZON}
sampling: {samples: SAMPLES, method: METHOD, seed: 7}
parameters:
  training.compute: 2e28 to 1.5e29
  training.growth: 2.0 to 3.5
  inference.compute: 5e27 to 5e28
  inference.growth: 2.5 to 5
  hardware.efficiency: 1e11 to 4e11
  hardware.efficiency_growth: 1.2 to 1.45
  training.utilization: {dist: uniform, min: 0.3, max: 0.5}
  inference.utilization: 0.25'
job() { # job NAME HORIZON SAMPLES METHOD EXTRA
  {
    echo "scenario: $1"
    sed -e "s/HORIZON/$2/; s/SAMPLES/$3/; s/METHOD/$4/" <<<"$base"
    printf '%b\n' "$5"
  } >"$tmp/$1.yaml"
}
one='outputs: {percentiles: [5, 50, 95], relative_accuracy: 0.05, crossovers: {compute: [inference_compute, training_compute]}}'
job a 2026 3000 lhs "$one"
job b 2027 2000 mc "outputs: {percentiles: [50], relative_accuracy: 0.09}"
job c 2026 2048 sobol "  power.capacity: 1e10 to 3e10\n  power.capacity_growth: 1.3 to 2\npower: {policy: training_first}\n$one"
job d 2026 1500 lhs "correlations:\n  - [training.compute, inference.compute, 0.5]\n$one"
job e 2026 1000 mc "outputs: {percentiles: [5, 95], relative_accuracy: 0.05, samples: true, crossovers: {compute: [inference_compute, training_compute]}}"
for j in a b c d e; do
  "$exe" run "$tmp/$j.yaml" -q -o "$out/results/$j.h5"
done
"$exe" run "$tmp/a.yaml" -q --part 1/3 -o "$tmp/a1.h5"
"$exe" run "$tmp/a.yaml" -q --part 3/3 -o "$tmp/a3.h5"
cp "$tmp/a1.h5" "$out/results/a-part1of3.h5"
"$exe" merge -o "$out/results/a-merged-missing.h5" --allow-missing "$tmp/a1.h5" "$tmp/a3.h5" 2>/dev/null
# A checkpoint: a run stopped by a signal (exit 3) after its first blocks.
job k 2026 400000000 mc "$one"
"$exe" run "$tmp/k.yaml" -o "$tmp/k.h5" --checkpoint-interval 0 --progress-interval 0.2 2>"$tmp/k.log" &
pid=$!
for _ in $(seq 1 100); do grep -q progress "$tmp/k.log" && break; sleep 0.1; done
kill -USR1 "$pid"
wait "$pid" || true
cp "$tmp/k.h5.checkpoint" "$out/results/k-checkpoint.h5"
ls -la "$out/results" >&2
