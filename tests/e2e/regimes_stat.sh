#!/usr/bin/env bash
# Regimes sample structural uncertainty: a job whose two regimes differ only
# in one parameter's distribution must give, within each regime, the results
# of a run of that distribution alone (other seed, independent samples):
# every year's P(crossover by the year | regime) of every crossover within 5
# standard errors, and the regime's share within 5 standard errors of its
# weight. A merge of parts whose regimes differ is refused.
# Usage: regimes_stat.sh CROSSOVER MPIEXEC SOURCE_DIR SAMPLES
set -euo pipefail
exe=$1 mpiexec=$2 src=$3 n=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
job=$src/tests/jobs/regimes_two.yaml
"$mpiexec" -n 2 --oversubscribe "$exe" run "$job" --samples "$n" -q -o "$tmp/mix.h5"
"$mpiexec" -n 2 --oversubscribe "$exe" run "$src/jobs/epoch-2030.yaml" --samples "$n" --seed 7 -q \
  --set 'parameters.capex.growth=1.1 to 1.3' -o "$tmp/slow.h5"
"$mpiexec" -n 2 --oversubscribe "$exe" run "$src/jobs/epoch-2030.yaml" --samples "$n" --seed 8 -q \
  --set 'parameters.capex.growth=1.5 to 1.9' -o "$tmp/fast.h5"
/usr/bin/python3 - "$tmp" <<'PY'
import sys
import h5py
import numpy as np
tmp = sys.argv[1]
bad = 0
with h5py.File(tmp + "/mix.h5") as m:
    n = int(m.attrs["samples"])
    names = m["crossover/compute/year_counts_by_regime"].attrs["regimes"]
    names = (names.decode() if isinstance(names, bytes) else names).split(",")
    for r, (name, w) in enumerate(zip(names, (0.4, 0.6))):
        k = int(m["regimes/%s/count" % name][()])
        z = abs(k / n - w) / np.sqrt(w * (1 - w) / n)
        print("regime %s: share %.4f, weight %.2f, %.1f s.e." % (name, k / n, w, z))
        bad += z > 5
        with h5py.File("%s/%s.h5" % (tmp, name)) as s:
            ns = int(s.attrs["samples"])
            worst = 0.0
            for c in m["crossover"]:
                p1 = np.cumsum(m["crossover/%s/year_counts_by_regime" % c][r]) / k
                p2 = np.cumsum(s["crossover/%s/year_counts" % c][...]) / ns
                se = np.sqrt(p1 * (1 - p1) / k + p2 * (1 - p2) / ns)
                zc = np.where(se > 0, np.abs(p1 - p2) / np.where(se > 0, se, 1), 0)
                worst = max(worst, float(zc.max()))
                bad += int((zc > 5).sum())
            print("  P(crossover by year | %s) vs a run of %s alone: worst %.2f s.e." % (name, name, worst))
sys.exit(1 if bad else 0)
PY
# parts of jobs whose regimes differ are not parts of one job
"$exe" run "$job" --samples 20000 --part 1/2 -q -o "$tmp/p1.h5"
"$exe" run "$job" --set 'regimes={slow: 0.5, fast: 0.5}' --samples 20000 --part 2/2 -q -o "$tmp/p2.h5"
if "$exe" merge -o "$tmp/m.h5" "$tmp/p1.h5" "$tmp/p2.h5" 2> "$tmp/err"; then
  echo "FAIL: parts with different regime weights merged" >&2
  exit 1
fi
[ ! -e "$tmp/m.h5" ] || { echo "FAIL: a refused merge wrote its output" >&2; exit 1; }
echo "refused as expected: $(head -c 300 "$tmp/err")"
# With sobol sampling the regime is one more input of the sensitivity
# analysis: its total index is clearly positive for power in 2035 (the
# regimes differ in capex growth, which binds in some samples) and zero for
# the compute crossover, which capex does not move (hardware time is shared in
# the same proportions whatever its amount).
"$mpiexec" -n 2 --oversubscribe "$exe" run "$job" --samples 32768 -q -o "$tmp/sens.h5" \
  --set sampling.method=sobol --set 'correlations=[]' \
  --set 'sensitivity={method: sobol, targets: [crossover.compute, power@2035]}'
/usr/bin/python3 - "$tmp/sens.h5" <<'PY'
import sys
import h5py
with h5py.File(sys.argv[1]) as f:
    names = [p.decode() if isinstance(p, bytes) else p for p in f["sensitivity/parameter"][...]]
    if "regime" not in names:
        sys.exit("FAIL: regime is not among the sensitivity inputs: %s" % names)
    j = names.index("regime")
    tp = float(f["sensitivity/power@2035/total"][j])
    tc = float(f["sensitivity/crossover.compute/total"][j])
    print("regime's total index: power@2035 %.3f, crossover.compute %.3f" % (tp, tc))
    if not (tp > 0.01 and abs(tc) < 1e-9):
        sys.exit("FAIL: expected a positive total index for power@2035 and zero for "
                 "crossover.compute")
PY
