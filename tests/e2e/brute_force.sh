#!/usr/bin/env bash
# A small job with per-sample output, run on 2 ranks, checked against an
# independent NumPy recomputation of the job's model (bench/reference*.py) from its own input samples.
# Usage: brute_force.sh CROSSOVER MPIEXEC JOB SAMPLES
set -euo pipefail
exe=$1 mpiexec=$2 job=$3 samples=$4
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$mpiexec" -n 2 --oversubscribe "$exe" run "$job" --set outputs.samples=true --samples "$samples" \
  -o "$tmp/out.h5" -q
/usr/bin/python3 "$here/check_stats.py" "$tmp/out.h5"
