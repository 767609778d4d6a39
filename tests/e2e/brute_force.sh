#!/usr/bin/env bash
# A small job with per-sample output, run on 2 ranks, checked against an
# independent NumPy recomputation of MODEL.md from its own input samples.
# Usage: brute_force.sh CROSSOVER MPIEXEC JOB SAMPLES
set -euo pipefail
exe=$1 mpiexec=$2 job=$3 samples=$4
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/^outputs:/outputs:\n  samples: true/' "$job" > "$tmp/job.yaml"
grep -q "samples: true" "$tmp/job.yaml" || printf 'outputs:\n  samples: true\n' >> "$tmp/job.yaml"
"$mpiexec" -n 2 --oversubscribe "$exe" run "$tmp/job.yaml" --samples "$samples" -o "$tmp/out.h5" -q
/usr/bin/python3 "$here/check_stats.py" "$tmp/out.h5"
