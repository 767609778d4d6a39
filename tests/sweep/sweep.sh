#!/usr/bin/env bash
# crossover sweep end to end: three values of inference.growth (one of them a
# distribution mapping with commas) at 20000 samples; the files it lists,
# read back with crossover.open_many and h5py (check_sweep.py), compared by
# `crossover report`; one run of the sweep against `crossover run` with the
# same overrides (the same bits), the sweep under 2 ranks against 1, and the
# refusals: a bad key and a bad value (exit 2, nothing written), existing
# results without --force, --resume keeping what is done.
# Usage: sweep.sh CROSSOVER MPIEXEC SOURCE_DIR PYTHON3
set -euo pipefail
exe=$1 mpiexec=$2 src=$3 py=$4
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
job=$src/jobs/slow-growth.yaml
vary='parameters.inference.growth=1.5 to 2.5,2.0 to 4,{dist: uniform, min: 3, max: 5}'
names=("slow-growth-inference.growth=1.5_to_2.5" "slow-growth-inference.growth=2.0_to_4"
       "slow-growth-inference.growth=dist_uniform_min_3_max_5")

"$exe" sweep "$job" --vary "$vary" -o "$tmp/out" --samples 20000 -q > "$tmp/stdout"
cat "$tmp/stdout"
paths=()
for n in "${names[@]}"; do
  paths+=("$tmp/out/$n.h5")
  grep -qxF "  $tmp/out/$n.h5" "$tmp/stdout" || fail "the summary does not list $n.h5"
  [ -f "$tmp/out/$n.h5" ] || fail "$n.h5 not written"
done
grep -qF "crossover report $tmp/out/*.h5" "$tmp/stdout" || fail "no report hint"
[ "$(ls "$tmp/out" | wc -l)" = 3 ] || fail "other files in the output directory: $(ls "$tmp/out")"

"$py" "$here/check_sweep.py" "${paths[@]}"

"$exe" report "${paths[@]}" > "$tmp/report"
for want in "B vs A: Seeds are shared (2030)" "C vs A: Seeds are shared (2030)" \
            "B - A" "C - A" "s.e. indep" "common random numbers"; do
  grep -qF "$want" "$tmp/report" || { cat "$tmp/report" >&2; fail "report lacks '$want'"; }
done
echo "report compares the three runs with paired standard errors"

# A sweep run is the run of its job: the same bits.
"$exe" run "$job" --set "parameters.inference.growth=2.0 to 4" --set "scenario=${names[1]}" \
  --samples 20000 -q -o "$tmp/one.h5"
"$py" "$src/tests/h5same.py" "$tmp/one.h5" "${paths[1]}"

# Two ranks, one --vary of two values and one of one: the same bits as one rank.
"$mpiexec" -n 2 "$exe" sweep "$job" --vary "parameters.inference.growth=1.5 to 2.5,2.0 to 4" \
  --vary sampling.method=mc -o "$tmp/two" --samples 20000 -q > /dev/null
"$exe" sweep "$job" --vary "parameters.inference.growth=1.5 to 2.5" --vary sampling.method=mc \
  -o "$tmp/one" --samples 20000 -q > /dev/null
"$py" "$src/tests/h5same.py" "$tmp/one/${names[0]}-sampling.method=mc.h5" \
  "$tmp/two/${names[0]}-sampling.method=mc.h5"
[ -f "$tmp/two/${names[1]}-sampling.method=mc.h5" ] || fail "2 ranks: second combination missing"

# Refusals, all before any run: exit 2, nothing written.
expect2() {
  local what=$1 pattern=$2; shift 2
  set +e; "$exe" sweep "$@" > "$tmp/o" 2> "$tmp/e"; local rc=$?; set -e
  [ $rc = 2 ] || { cat "$tmp/e" >&2; fail "$what: exit $rc, expected 2"; }
  grep -qF -- "$pattern" "$tmp/e" || { cat "$tmp/e" >&2; fail "$what: message lacks '$pattern'"; }
  echo "refused ($what): $(head -1 "$tmp/e")"
}
expect2 "bad key" "did you mean 'inference.growth'" "$job" \
  --vary "parameters.inference.grwth=1,2" -o "$tmp/bad" -q
expect2 "bad value in the last run" "sweep run 2 of 2" "$job" \
  --vary "parameters.inference.growth=1.5 to 2.5,2.0 to" -o "$tmp/bad" -q
[ ! -e "$tmp/bad" ] || fail "a refused sweep left $tmp/bad"
expect2 "two values, one name" "both give the file" "$job" \
  --vary "parameters.inference.growth=2 to 3,2_to 3" -o "$tmp/bad" -q
expect2 "no --vary" "needs at least one" "$job" -o "$tmp/bad"
before=$(stat -c %Y.%i "${paths[0]}")
expect2 "existing result" "exists; pass --force" "$job" --vary "$vary" -o "$tmp/out" \
  --samples 20000 -q
expect2 "--resume over another job" "records another job" "$job" --vary "$vary" -o "$tmp/out" \
  --samples 30000 -q --resume
[ "$(stat -c %Y.%i "${paths[0]}")" = "$before" ] || fail "a refused sweep touched a result"

# --resume keeps the finished results and runs the missing one.
rm "${paths[2]}"
"$exe" sweep "$job" --vary "$vary" -o "$tmp/out" --samples 20000 --resume 2> "$tmp/e" > /dev/null
[ "$(grep -c 'already there (same job): kept' "$tmp/e")" = 2 ] || { cat "$tmp/e" >&2; fail "--resume"; }
[ "$(stat -c %Y.%i "${paths[0]}")" = "$before" ] || fail "--resume rewrote a finished result"
[ -f "${paths[2]}" ] || fail "--resume did not run the missing combination"
echo "sweep: all checks passed"
