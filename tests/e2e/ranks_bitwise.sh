#!/usr/bin/env bash
# One job at 1, 2, 3 and 4 ranks: every dataset and attribute (but the
# creation time) must be the same bits; binding-constraint counts (model
# capacity) add up to n in every year.
# Usage: ranks_bitwise.sh CROSSOVER MPIEXEC JOB SAMPLES
set -euo pipefail
exe=$1 mpiexec=$2 job=$3 samples=$4
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in 1 2 3 4; do
  "$mpiexec" -n "$n" --oversubscribe "$exe" run "$job" --samples "$samples" -o "$tmp/r$n.h5" -q
done
for n in 2 3 4; do
  /usr/bin/python3 "$here/h5same.py" "$tmp/r1.h5" "$tmp/r$n.h5"
done
/usr/bin/python3 "$here/e2e/constraints.py" "$tmp/r1.h5"
