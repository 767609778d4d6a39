#!/usr/bin/env bash
# Numeric faults: a job whose training compute overflows to infinity for the
# fast-growing samples. The count of samples with a non-finite value
# (/state fault_samples), the range of training.growth among them
# (/state/fault_range) and each series' non-finite count per year must equal a
# brute-force count over the per-sample inputs (/samples), at 1 and 2 ranks
# and after a merge of parts; `report` must warn naming training.growth and
# the series and years. Past CROSSOVER_MAX_SKETCH_MB the run is refused cleanly.
# Usage: numeric.sh CROSSOVER MPIEXEC PYTHON3
set -u
exe=$1 mpiexec=$2 py=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail() {
  echo "FAIL: $*"
  exit 1
}
cat >"$tmp/job.yaml" <<'YAML'
scenario: overflow
time: {base_year: 2025, horizon_year: 2060}
sampling: {samples: 20000, method: mc, seed: 3}
parameters:
  training.compute: 2e28 to 1.5e29
  training.growth: {dist: loguniform, min: 2, max: 1e30}
  inference.compute: 5e27 to 5e28
  inference.growth: 2.5 to 5
  hardware.efficiency: 1e11 to 4e11
  hardware.efficiency_growth: 1.2 to 1.45
  training.utilization: {dist: uniform, min: 0.3, max: 0.5}
  inference.utilization: 0.25
outputs: {percentiles: [5, 50, 95], relative_accuracy: 0.01, samples: true}
YAML
"$exe" run "$tmp/job.yaml" -q -o "$tmp/one.h5" || fail "run"
timeout 300 "$mpiexec" -n 2 --oversubscribe "$exe" run "$tmp/job.yaml" -q -o "$tmp/two.h5" ||
  fail "run on 2 ranks"
sed 's/, samples: true}/}/' "$tmp/job.yaml" >"$tmp/parts.yaml"
"$exe" run "$tmp/parts.yaml" -q --part 1/3 -o "$tmp/p1.h5" &&
  "$exe" run "$tmp/parts.yaml" -q --part 2/3 -o "$tmp/p2.h5" &&
  "$exe" run "$tmp/parts.yaml" -q --part 3/3 -o "$tmp/p3.h5" &&
  "$exe" merge -o "$tmp/merged.h5" "$tmp/p3.h5" "$tmp/p1.h5" "$tmp/p2.h5" 2>/dev/null ||
  fail "parts and merge"

"$py" - "$tmp/one.h5" "$tmp/two.h5" "$tmp/merged.h5" <<'PY' || exit 1
import sys
import h5py
import numpy as np

one, two, merged = sys.argv[1:4]
f = h5py.File(one, "r")
keys = [k.decode() if isinstance(k, bytes) else k for k in f["parameters"].keys()]
years = f["year"][...]
t = (years - years[0]).astype(float)
T0 = f["samples/training.compute"][...]
gT = f["samples/training.growth"][...]
# docs/model.md, training compute without a slowdown: ln T(t) = ln T0 + ln gT * t.
# T is not finite where ln T exceeds ln(DBL_MAX) = 709.78; the engine's exp
# (engine/mc_vmath.h) gives +inf already above 709, by design, so either
# threshold may hold, but one must hold exactly. Nothing else overflows in
# this job (energies are T times factors far below 1, inference grows slowly).
lnT = np.log(T0)[:, None] + np.log(gT)[:, None] * t[None, :]
nf_engine = f["series/training_compute/nonfinite"][...]
for limit in (np.log(np.finfo(float).max), 709.0):
    over = lnT > limit
    if np.array_equal(over.sum(axis=0), nf_engine):
        break
print("infinite above ln T = %.6g" % limit)
bad = over.any(axis=1)
n_bad = int(bad.sum())
assert 0 < n_bad < len(gT), n_bad
print("brute force: %d of %d samples overflow; training.growth among them in [%r, %r]"
      % (n_bad, len(gT), gT[bad].min(), gT[bad].max()))
order = ["training.compute", "training.growth", "training.growth_longrun",
         "training.growth_halflife", "inference.compute", "inference.growth",
         "inference.growth_longrun", "inference.growth_halflife", "hardware.efficiency",
         "hardware.efficiency_growth", "hardware.power_factor", "training.utilization",
         "inference.utilization", "datacenter.pue", "datacenter.pue_trend", "power.capacity",
         "power.capacity_growth"]
per_year = over.sum(axis=0)
failed = 0
def check(cond, what):
    global failed
    print(("ok   " if cond else "FAIL ") + what)
    failed += not cond
for path in (one, two, merged):
    g = h5py.File(path, "r")
    st = g["state"]
    check(int(st.attrs["fault_samples"]) == n_bad,
          "%s: fault_samples %d == %d" % (path, int(st.attrs["fault_samples"]), n_bad))
    rng = st["fault_range"][...]
    p = order.index("training.growth")
    check(rng[p, 0] == gT[bad].min() and rng[p, 1] == gT[bad].max(),
          "%s: fault_range of training.growth %r == brute force" % (path, tuple(rng[p])))
    p = order.index("training.compute")
    check(rng[p, 0] == T0[bad].min() and rng[p, 1] == T0[bad].max(),
          "%s: fault_range of training.compute == brute force" % path)
    for s in ("training_compute", "total_compute", "training_energy", "total_energy", "power"):
        nf = g["series/%s/nonfinite" % s][...]
        check(np.array_equal(nf, per_year), "%s: %s nonfinite per year == brute force" % (path, s))
    for s in ("inference_compute", "inference_share", "inference_energy"):
        nf = g["series/%s/nonfinite" % s][...]
        check(not nf.any(), "%s: %s has no non-finite values" % (path, s))
sys.exit(1 if failed else 0)
PY

for f in one two merged; do
  "$exe" report "$tmp/$f.h5" >/dev/null 2>"$tmp/err" || fail "report $f.h5: $(cat "$tmp/err")"
  for w in "warning" "overflowed to infinity or gave NaN" "training_compute in 2" \
    "training.growth from"; do
    grep -qF -- "$w" "$tmp/err" || fail "report $f.h5: the warning lacks '$w': $(cat "$tmp/err")"
  done
  grep -q "training.compute from" "$tmp/err" &&
    fail "report $f.h5 names training.compute, whose whole range overflows: $(cat "$tmp/err")"
done
"$exe" report --format json "$tmp/one.h5" 2>/dev/null | "$py" -c "import json,sys; json.load(sys.stdin)" ||
  fail "report --format json is not JSON with the warning on stderr"
cat "$tmp/err"

# Values spread over a huge range need huge sketches: past CROSSOVER_MAX_SKETCH_MB
# the run is refused before it starts (the pilot measures the range), with a
# message naming the widest band and the way out, exit 2, nothing written
# (rather than the kernel killing the run).
sed 's/relative_accuracy: 0.01, samples: true/relative_accuracy: 0.001/' "$tmp/job.yaml" >"$tmp/wide.yaml"
CROSSOVER_MAX_SKETCH_MB=8 timeout 300 "$mpiexec" -n 2 --oversubscribe "$exe" run "$tmp/wide.yaml" \
  -q -o "$tmp/wide.h5" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] || fail "a run past the sketch memory limit exited $rc, expected 2: $(cat "$tmp/err")"
for w in "would need about" "limit of 8 MiB" "CROSSOVER_MAX_SKETCH_MB" "the widest (" "octaves"; do
  grep -qF -- "$w" "$tmp/err" || fail "the memory message lacks '$w': $(cat "$tmp/err")"
done
ls "$tmp" | grep -q '^wide.h5' && fail "a run stopped by the memory limit left $(ls "$tmp" | grep wide.h5)"
grep -m1 "would need about" "$tmp/err"
echo "numeric: all checks passed"
