#!/usr/bin/env bash
# Parts merged in any order equal one run bit for bit; every refusal of merge
# exits 2 and writes nothing.
# Usage: parts_merge.sh CROSSOVER MPIEXEC JOB SAMPLES
set -euo pipefail
exe=$1 mpiexec=$2 job=$3 samples=$4
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { "$exe" run "$job" --samples "$samples" -q "$@"; }

run -o "$tmp/whole.h5"
for k in 1 2 3; do
  if [ "$k" = 2 ]; then
    "$mpiexec" -n 2 --oversubscribe "$exe" run "$job" --samples "$samples" -q --part 2/3 -o "$tmp/p2.h5"
  else
    run --part "$k/3" -o "$tmp/p$k.h5"
  fi
done
"$exe" merge -o "$tmp/m123.h5" "$tmp/p1.h5" "$tmp/p2.h5" "$tmp/p3.h5"
"$exe" merge -o "$tmp/m312.h5" "$tmp/p3.h5" "$tmp/p1.h5" "$tmp/p2.h5"
/usr/bin/python3 "$here/h5same.py" "$tmp/whole.h5" "$tmp/m123.h5"
/usr/bin/python3 "$here/h5same.py" "$tmp/whole.h5" "$tmp/m312.h5"
/usr/bin/python3 "$here/e2e/constraints.py" "$tmp/m123.h5" "$tmp/p2.h5"

# A Slurm array task picks its part from the environment; --part wins.
SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=4 SLURM_ARRAY_TASK_COUNT=3 run -o "$tmp/env2.h5"
/usr/bin/python3 "$here/h5same.py" "$tmp/p2.h5" "$tmp/env2.h5" --ignore-attr created
SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_MIN=4 SLURM_ARRAY_TASK_COUNT=3 run --part 3/3 -o "$tmp/env3.h5"
/usr/bin/python3 "$here/h5same.py" "$tmp/p3.h5" "$tmp/env3.h5"

refuse() { # refuse WORDS -- merge args...
  local words=$1; shift
  set +e
  "$exe" merge -o "$tmp/bad.h5" "$@" 2> "$tmp/err"
  local rc=$?
  set -e
  [ "$rc" = 2 ] || fail "merge $* exited $rc, expected 2: $(cat "$tmp/err")"
  grep -qi -- "$words" "$tmp/err" || fail "merge $*: message lacks '$words': $(cat "$tmp/err")"
  [ ! -e "$tmp/bad.h5" ] || fail "merge $* left bad.h5"
  ls "$tmp" | grep -q 'bad.h5.tmp' && fail "merge $* left a temporary file"
  echo "refused as expected: $(head -c 200 "$tmp/err")"
}
refuse "given twice" "$tmp/p1.h5" "$tmp/p1.h5" "$tmp/p2.h5" "$tmp/p3.h5"
cp "$tmp/p1.h5" "$tmp/p1copy.h5"
refuse "overlap" "$tmp/p1.h5" "$tmp/p1copy.h5"
refuse "missing" "$tmp/p1.h5" "$tmp/p3.h5"
run --part 2/2 -o "$tmp/q2.h5"
refuse "overlap" "$tmp/p3.h5" "$tmp/q2.h5"
run --part 2/3 --seed 99 -o "$tmp/seed.h5"
refuse "seed" "$tmp/p1.h5" "$tmp/seed.h5" "$tmp/p3.h5"
"$exe" run "$job" --samples $((samples + 5000)) -q --part 2/3 -o "$tmp/more.h5"
refuse "sample" "$tmp/p1.h5" "$tmp/more.h5" "$tmp/p3.h5"
"$exe" run "$job" --set outputs.relative_accuracy=0.002 --samples "$samples" -q --part 2/3 \
  -o "$tmp/other.h5"
refuse "different jobs" "$tmp/p1.h5" "$tmp/other.h5" "$tmp/p3.h5"
echo "not hdf5" > "$tmp/junk.h5"
refuse "not an HDF5" "$tmp/p1.h5" "$tmp/junk.h5"
# the engine format is checked: a file claiming a newer one is refused
cp "$tmp/p2.h5" "$tmp/newer.h5"
/usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1],'r+'); f['state'].attrs['engine_format']=99" "$tmp/newer.h5"
refuse "engine state format" "$tmp/p1.h5" "$tmp/newer.h5" "$tmp/p3.h5"

# An incomplete set merges with --allow-missing and says what it lacks.
"$exe" merge --allow-missing -o "$tmp/partial.h5" "$tmp/p1.h5" "$tmp/p3.h5"
/usr/bin/python3 - "$tmp/partial.h5" "$samples" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
n = int(sys.argv[2])
assert f.attrs["complete"] == 0, "partial merge marked complete"
assert f.attrs["samples"] < n, f.attrs["samples"]
m = f.attrs["missing"]
assert "[" in m, m
print("partial merge:", f.attrs["samples"], "of", n, "samples; missing", m)
PY
# refusing to overwrite
set +e
"$exe" merge -o "$tmp/m123.h5" "$tmp/p1.h5" "$tmp/p2.h5" "$tmp/p3.h5" 2>/dev/null
rc=$?
set -e
[ "$rc" = 2 ] || fail "merge over an existing file exited $rc"
echo "parts_merge: all checks passed"
