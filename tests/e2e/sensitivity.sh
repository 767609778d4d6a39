#!/usr/bin/env bash
# Sensitivity analysis and sampling.stop_when end to end (issue 5):
# - the sensitivity job (tests/jobs/sensitivity.yaml without stop_when) gives
#   the same bits at 1, 2 and 3 ranks and from parts merged; /sensitivity holds
#   [k] indices and [k, 2] intervals that bracket them; report shows them;
# - with stop_when, 1 and 3 ranks stop at the same sample count, the file says
#   so (samples, complete, stopped_early), merge of it alone keeps it, --part is
#   refused; a run interrupted by SIGUSR1 and resumed equals the uninterrupted one.
# Usage: sensitivity.sh CROSSOVER MPIEXEC JOB SAMPLES
set -euo pipefail
exe=$1 mpiexec=$2 job=$3 samples=$4
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]:-}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
same() { /usr/bin/python3 "$here/h5same.py" "$@"; }

sed 's/, stop_when: {standard_error: [0-9.e-]*}//' "$job" > "$tmp/sens.yaml"
grep -q "stop_when: {" "$tmp/sens.yaml" && fail "could not drop stop_when from $job"
for n in 1 2 3; do
  "$mpiexec" -n "$n" --oversubscribe "$exe" run "$tmp/sens.yaml" --samples "$samples" -q \
    -o "$tmp/r$n.h5"
done
same "$tmp/r1.h5" "$tmp/r2.h5"
same "$tmp/r1.h5" "$tmp/r3.h5"
"$mpiexec" -n 2 --oversubscribe "$exe" run "$tmp/sens.yaml" --samples "$samples" -q --part 1/2 \
  -o "$tmp/p1.h5"
"$exe" run "$tmp/sens.yaml" --samples "$samples" -q --part 2/2 -o "$tmp/p2.h5"
"$exe" merge -o "$tmp/m.h5" "$tmp/p2.h5" "$tmp/p1.h5" 2>/dev/null
same "$tmp/r1.h5" "$tmp/m.h5"
/usr/bin/python3 - "$tmp/r1.h5" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
g = f["sensitivity"]
params = [p.decode() if isinstance(p, bytes) else p for p in g["parameter"][:]]
k = len(params)
assert k == 13, params
targets = [t for t in g if isinstance(g[t], h5py.Group)]
assert sorted(targets) == sorted(["training_compute@2035", "total_energy@2030",
                                  "inference_share@2040", "crossover.compute"]), targets
for t in targets:
    s1, st = g[t]["first_order"][:], g[t]["total"][:]
    c1, ct = g[t]["first_order_ci"][:], g[t]["total_ci"][:]
    assert s1.shape == (k,) and st.shape == (k,) and c1.shape == (k, 2) and ct.shape == (k, 2)
    assert np.all(c1[:, 0] <= s1) and np.all(s1 <= c1[:, 1]) and np.all(ct[:, 0] <= st) and np.all(st <= ct[:, 1])
    assert np.all(st > -0.05) and np.all(st < 1.05) and s1.sum() < 1.1, (t, s1, st)
# Under the proportional policy the cap scales both workloads alike, so the
# inference share does not depend on energy or power parameters (up to rounding)
sh = g["inference_share@2040"]
for j, p in enumerate(params):
    if p.startswith(("hardware.", "datacenter.", "power.")) or p.endswith(".utilization"):
        assert abs(sh["total"][j]) < 1e-12 and abs(sh["first_order"][j]) < 1e-12, (p, sh["total"][j])
top = params[int(np.argmax(sh["total"][:]))]
assert top in ("inference.growth", "training.growth", "training.growth_longrun"), top
print("sensitivity: %d parameters, %d targets; inference_share@2040 led by %s" % (k, len(targets), top))
PY
"$exe" report "$tmp/r1.h5" > "$tmp/report.txt"
grep -q "Sensitivity: Sobol' indices" "$tmp/report.txt" || fail "report shows no sensitivity"
grep -A2 "inference_share@2040 (natural log" "$tmp/report.txt" | grep -q "growth" ||
  fail "report: a growth parameter should lead inference_share@2040: $(cat "$tmp/report.txt")"

# stop_when: the same stop point at 1 and 3 ranks, marked in the file
"$exe" run "$job" -q -o "$tmp/s1.h5"
"$mpiexec" -n 3 --oversubscribe "$exe" run "$job" -q -o "$tmp/s3.h5"
same "$tmp/s1.h5" "$tmp/s3.h5"
/usr/bin/python3 - "$tmp/s1.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
n, cap = int(f.attrs["samples"]), int(f.attrs["samples_planned"])
blocks = n // 1024
assert n % 1024 == 0 and blocks >= 64 and blocks & (blocks - 1) == 0 and n < cap, (n, cap)
assert f.attrs["complete"] == 1 and f.attrs["stopped_early"] == 1, dict(f.attrs)
assert int(f["state"].attrs["stop_blocks"]) == blocks
print("stop_when: stopped after", n, "of at most", cap, "samples")
PY
"$exe" merge -o "$tmp/sm.h5" "$tmp/s1.h5" 2>/dev/null
same "$tmp/s1.h5" "$tmp/sm.h5"
set +e
"$exe" run "$job" -q --part 1/2 -o "$tmp/part.h5" 2> "$tmp/err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "stop_when with --part exited $rc, expected 2"
grep -q "stop_when" "$tmp/err" || fail "stop_when with --part: $(cat "$tmp/err")"
[ ! -e "$tmp/part.h5" ] || fail "a refused run wrote its output"

# interrupted (SIGUSR1 as soon as the run starts: a checkpoint after the first
# blocks) and resumed on another rank count: the same bits
"$exe" run "$job" -o "$tmp/i.h5" --progress-interval 100 2> "$tmp/log" &
pid=$!
pids+=("$pid")
for _ in $(seq 1 300); do grep -q "^crossover run:" "$tmp/log" && break; sleep 0.02; done
kill -s USR1 "$pid"
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" = 3 ] || fail "the interrupted run exited $rc, expected 3: $(cat "$tmp/log")"
[ -e "$tmp/i.h5.checkpoint" ] || fail "no checkpoint"
"$mpiexec" -n 2 --oversubscribe "$exe" run "$job" -q -o "$tmp/i.h5" --resume
same "$tmp/s1.h5" "$tmp/i.h5"
echo "sensitivity: all checks passed"
