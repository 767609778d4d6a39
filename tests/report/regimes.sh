#!/usr/bin/env bash
# report on regimes and observations: text says where each observation falls
# and sums it up; JSON's PITs and per-regime cumulative probabilities equal
# the results file's counts; CSV has a row per observation.
# Usage: regimes.sh CROSSOVER SOURCE_DIR
set -euo pipefail
exe=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
"$exe" run "$src/jobs/backtest-2020.yaml" --samples 20000 -q -o "$tmp/bt.h5"
"$exe" run "$src/jobs/epoch-2030-regimes.yaml" --samples 20000 -q -o "$tmp/rg.h5"
"$exe" report "$tmp/bt.h5" > "$tmp/bt.txt"
grep -q "Observations: where the known values fall in the bands" "$tmp/bt.txt" || fail "no observation table"
grep -Eq "[0-9]+ of 6 inside the 90% band, [0-9]+ of 6 inside the 50% band" "$tmp/bt.txt" ||
  fail "no summary line"
"$exe" report "$tmp/rg.h5" > "$tmp/rg.txt"
grep -q "P(crossed by year | regime), beside the total" "$tmp/rg.txt" || fail "no per-regime table"
grep -q "Regimes: weight and share of the samples" "$tmp/rg.txt" || fail "no regime shares"
"$exe" report --format csv "$tmp/bt.h5" | grep -c "^observation," | grep -qx 12 || fail "csv rows"
"$exe" report --format json "$tmp/bt.h5" > "$tmp/bt.json"
"$exe" report --format json "$tmp/rg.h5" > "$tmp/rg.json"
/usr/bin/python3 - "$tmp" <<'PY'
import json
import sys
import h5py
import numpy as np
t = sys.argv[1]
bt = json.load(open(t + "/bt.json"))
with h5py.File(t + "/bt.h5") as f:
    pit = f["observations/pit"][...]
    got = [o["pit"]["value"] for o in bt["observations"]["items"]]
    assert np.allclose(got, pit, rtol=1e-9, atol=0), (got, pit)
    inside = int(((pit >= 0.05) & (pit <= 0.95)).sum())
    assert bt["observations"]["inside_90"] == inside, (bt["observations"]["inside_90"], inside)
rg = json.load(open(t + "/rg.json"))
with h5py.File(t + "/rg.h5") as f:
    names = f["crossover/compute/year_counts_by_regime"].attrs["regimes"]
    names = (names.decode() if isinstance(names, bytes) else names).split(",")
    for r, name in enumerate(names):
        k = int(f["regimes/%s/count" % name][()])
        cum = np.cumsum(f["crossover/compute/year_counts_by_regime"][r]) / k
        got = [y["value"]["value"] for y in rg["regimes"][name]["crossovers"]["compute"]["cumulative"]]
        assert np.allclose(got, cum, rtol=1e-9, atol=0), (name, got, cum)
        assert abs(rg["regimes"][name]["share"]["value"] - k / f.attrs["samples"]) < 1e-12
print("report: observations and regimes agree with the file")
PY
