#!/usr/bin/env bash
# Sampling designs compared (bench/README.md, "Sampling designs"): the default
# job at N samples under mc, lhs and sobol, each with SEEDS seeds; prints, per
# method, the mean and the standard deviation over seeds of a few estimates and
# the variance of each relative to mc. It measures; it asserts nothing.
# Usage: bench/designs.sh [BUILD_DIR]   (env: N samples, default 16384; SEEDS, default 12)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
N=${N:-16384}
SEEDS=${SEEDS:-12}
exe=$build/mc/crossover
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for m in mc lhs sobol; do
  sed "s/^  method: mc$/  method: $m/" jobs/epoch-2030.yaml > "$tmp/$m.yaml"
  grep -q "method: $m" "$tmp/$m.yaml"
  for s in $(seq 1 "$SEEDS"); do
    "$exe" run "$tmp/$m.yaml" --samples "$N" --seed "$s" -q -o "$tmp/$m-$s.h5"
  done
done
/usr/bin/python3 - "$tmp" "$N" "$SEEDS" <<'PY'
import sys, h5py, numpy as np
tmp, n, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def est(f):
    y = list(f["year"][:])
    i30 = y.index(2030)
    pct = list(f["percentile"][:])
    q50 = pct.index(50.0)
    return {
        "mean total_energy 2030 (TWh)": f["series/total_energy/mean"][i30],
        "median total_energy 2030 (TWh)": f["series/total_energy/percentiles"][i30, q50],
        "P(compute crossover by 2030)": f["crossover/compute/cumulative"][i30],
        "P(energy crossover by 2027)": f["crossover/energy/cumulative"][y.index(2027)],
        "median compute crossing year": f["crossover/compute/time_quantiles"][q50],
    }
res = {}
for m in ("mc", "lhs", "sobol"):
    rows = [est(h5py.File(f"{tmp}/{m}-{s}.h5", "r")) for s in range(1, seeds + 1)]
    res[m] = {k: np.array([r[k] for r in rows]) for k in rows[0]}
print(f"epoch-2030, {n} samples, {seeds} seeds per method: mean over seeds, standard deviation "
      f"over seeds, and variance relative to mc")
print(f"| estimate | mc | lhs | sobol | var lhs/mc | var sobol/mc |")
print(f"|---|---|---|---|---|---|")
for k in res["mc"]:
    cells = [f"{res[m][k].mean():.5g} +- {res[m][k].std(ddof=1):.3g}" for m in ("mc", "lhs", "sobol")]
    v = {m: res[m][k].var(ddof=1) for m in res}
    print(f"| {k} | " + " | ".join(cells) + f" | {v['lhs'] / v['mc']:.2f} | {v['sobol'] / v['mc']:.2f} |")
PY
