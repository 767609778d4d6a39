#!/usr/bin/env bash
# Results files read well in standard tools: CF attributes with UDUNITS-2
# units (cf_check.py), the /state datasets deflated, and h5repack (with and
# without a filter) makes a file equal to the original (h5same.py) that
# `crossover report` reads to the same report. Also that cf_check.py refuses
# a file with a unit UDUNITS cannot parse, and the probe of a repacked file.
#
# Usage: cf_repack.sh CROSSOVER SOURCE_DIR PYTHON3
set -u
exe=$1 src=$2 py=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
command -v h5repack >/dev/null || { echo "h5repack missing (package hdf5-tools)"; exit 1; }

# regimes, observations, binding constraints, per-sample output, sensitivity
"$exe" run "$src/jobs/epoch-2030-regimes.yaml" -q --samples 3000 -o "$tmp/regimes.h5" \
  --set outputs.samples=true || fail "run regimes"
"$exe" run "$src/jobs/backtest-2020.yaml" -q --samples 2000 -o "$tmp/backtest.h5" || fail "run backtest"
"$exe" run "$src/tests/jobs/sensitivity.yaml" -q --samples 2048 -o "$tmp/sensitivity.h5" ||
  fail "run sensitivity"

for f in "$tmp"/*.h5; do
  name=$(basename "$f" .h5)
  "$py" "$src/tests/h5file/cf_check.py" "$f" --state-deflated || fail "$name: CF attributes"
  for filter in none gzip; do
    out=$tmp/$name-repacked-$filter.h5
    args=()
    [ $filter = gzip ] && args=(-f SHUF -f GZIP=6)
    h5repack "${args[@]}" "$f" "$out" 2>"$tmp/err" || { fail "$name: h5repack ${args[*]}: $(cat "$tmp/err")"; continue; }
    "$py" "$src/tests/h5same.py" "$f" "$out" >"$tmp/same" || fail "$name ($filter): repacked differs: $(head -5 "$tmp/same")"
    "$exe" report "$f" --format json >"$tmp/a.json" 2>"$tmp/err" || fail "$name: report: $(cat "$tmp/err")"
    "$exe" report "$out" --format json >"$tmp/b.json" 2>"$tmp/err" || fail "$name ($filter): report of the repacked file: $(cat "$tmp/err")"
    sed -i "s#$out#FILE#g" "$tmp/b.json"
    sed -i "s#$f#FILE#g" "$tmp/a.json"
    cmp -s "$tmp/a.json" "$tmp/b.json" || fail "$name ($filter): the repacked file reports differently"
  done
done

# the check can fail: a unit UDUNITS does not know, and a crossing time in "year"
cp "$tmp/backtest.h5" "$tmp/bad.h5"
"$py" - "$tmp/bad.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "a") as f:
    f["series/total_energy/mean"].attrs["units"] = "TWh/yr"
    f["crossover/compute/time_quantiles"].attrs["units"] = "year"
PY
"$py" "$src/tests/h5file/cf_check.py" "$tmp/bad.h5" >"$tmp/bad.out"
[ $? = 1 ] || fail "cf_check.py accepted a bad file"
grep -q "TWh/yr" "$tmp/bad.out" || fail "cf_check.py did not name the bad unit: $(cat "$tmp/bad.out")"
grep -q "calendar year" "$tmp/bad.out" || fail "cf_check.py did not refuse units 'year'"

[ $failures = 0 ] && echo "cf_repack: all passed"
exit $((failures > 0))
