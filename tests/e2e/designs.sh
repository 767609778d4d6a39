#!/usr/bin/env bash
# The sampling designs lhs and sobol give the same bits at 1, 2 and 3 ranks and
# from parts merged in any order, like mc (issue 5).
# Usage: designs.sh CROSSOVER MPIEXEC JOB SAMPLES
set -euo pipefail
exe=$1 mpiexec=$2 job=$3 samples=$4
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
same() { /usr/bin/python3 "$here/h5same.py" "$@"; }

for m in lhs sobol; do
  sed "s/^\( *\)method: .*/\1method: $m/" "$job" > "$tmp/$m.yaml"
  grep -q "method: $m" "$tmp/$m.yaml" || fail "could not set method $m in $job"
  for n in 1 2 3; do
    "$mpiexec" -n "$n" --oversubscribe "$exe" run "$tmp/$m.yaml" --samples "$samples" -q \
      -o "$tmp/$m-r$n.h5"
  done
  same "$tmp/$m-r1.h5" "$tmp/$m-r2.h5"
  same "$tmp/$m-r1.h5" "$tmp/$m-r3.h5"
  "$exe" run "$tmp/$m.yaml" --samples "$samples" -q --part 1/3 -o "$tmp/$m-p1.h5"
  "$mpiexec" -n 2 --oversubscribe "$exe" run "$tmp/$m.yaml" --samples "$samples" -q --part 2/3 \
    -o "$tmp/$m-p2.h5"
  "$exe" run "$tmp/$m.yaml" --samples "$samples" -q --part 3/3 -o "$tmp/$m-p3.h5"
  "$exe" merge -o "$tmp/$m-m.h5" "$tmp/$m-p3.h5" "$tmp/$m-p1.h5" "$tmp/$m-p2.h5" 2>/dev/null
  same "$tmp/$m-r1.h5" "$tmp/$m-m.h5"
  /usr/bin/python3 - "$tmp/$m-r1.h5" "$m" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["sampling_method"] == sys.argv[2], f.attrs["sampling_method"]
se = f["series/total_energy/percentiles_se"][:]
assert se.shape == f["series/total_energy/percentiles"].shape and np.all(np.isfinite(se)) and np.all(se > 0)
PY
  # a different design is a different job: its parts do not merge with these
  if [ "$m" = sobol ]; then
    set +e
    "$exe" merge -o "$tmp/bad.h5" "$tmp/lhs-p1.h5" "$tmp/sobol-p2.h5" "$tmp/sobol-p3.h5" 2> "$tmp/err"
    rc=$?
    set -e
    [ "$rc" = 2 ] || fail "merging lhs and sobol parts exited $rc, expected 2"
    [ ! -e "$tmp/bad.h5" ] || fail "a refused merge wrote its output"
  fi
  echo "designs: $m identical at 1, 2, 3 ranks and from 3 parts merged"
done
