#!/usr/bin/env bash
# Memory that `check` accepts must be memory the run can have: jobs whose
# percentile sketches would exceed CROSSOVER_MAX_SKETCH_MB (a fine
# outputs.relative_accuracy, a 1000-year grid) are refused by `check` and by
# `run` (on 2 ranks) with exit 2, the predicted size and the ways out, before
# anything big is allocated: every command runs under a 3 GB address-space
# limit, which the old behaviour (allocating until the in-run guard fired, or
# the kernel stopped it) breaks. The limit can be raised or lowered, and the
# shipped job passes at the default.
# Usage: memory.sh CROSSOVER MPIEXEC JOBDIR
set -u
exe=$(realpath "$1") mpiexec=$2 jobs=$(realpath "$3")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset CROSSOVER_MAX_SKETCH_MB
fail() {
  echo "FAIL: $*"
  exit 1
}
job=$jobs/epoch-2030.yaml
fine=(--set outputs.relative_accuracy=1e-6 --set sampling.samples=2000)
long=(--set time.horizon_year=3024)

# AddressSanitizer reserves terabytes of shadow address space at start, so a
# sanitized build cannot run under any address-space limit: there the commands
# run without one and the test checks only the refusals, their messages and
# that nothing was written (the plain build checks the limit as well).
vlimit=3000000
if [ -n "${ASAN_OPTIONS:-}" ] || ldd "$exe" 2>/dev/null | grep -q libasan; then
  vlimit=unlimited
  echo "note: AddressSanitizer build, commands run without the 3 GB address-space limit"
fi

# Runs "$@" in $tmp/w under a 3 GB address-space limit; stdout+stderr in $tmp/err.
limited() {
  rm -rf "$tmp/w"
  mkdir "$tmp/w"
  (
    cd "$tmp/w" || exit 99
    ulimit -v "$vlimit"
    timeout 120 "$@"
  ) >"$tmp/err" 2>&1
}
refused() { # what, words that the message must have...
  local what=$1 rc=$2
  shift 2
  [ "$rc" = 2 ] || fail "$what exited $rc, expected 2: $(head -c 600 "$tmp/err")"
  for w in "would need about" "CROSSOVER_MAX_SKETCH_MB" "outputs.relative_accuracy" \
    "time.horizon_year" "$@"; do
    grep -qF -- "$w" "$tmp/err" || fail "$what: the message lacks '$w': $(head -c 600 "$tmp/err")"
  done
  [ -z "$(ls "$tmp/w")" ] || fail "$what left files: $(ls "$tmp/w")"
  grep -m1 -o "would need about [0-9]* MiB" "$tmp/err" | sed "s/^/$what: /"
}

limited "$exe" check "$job" "${fine[@]}"
refused "check at relative_accuracy 1e-6" $? "524288 counters per octave" "2000 samples"
limited "$mpiexec" -n 2 --oversubscribe "$exe" run "$job" "${fine[@]}" -q -o out.h5
refused "run at relative_accuracy 1e-6 on 2 ranks" $?
limited "$exe" check "$job" "${long[@]}"
refused "check of a 1000-year grid" $? "1000 years"
limited "$mpiexec" -n 2 --oversubscribe "$exe" run "$job" "${long[@]}" -q -o out.h5
refused "run of a 1000-year grid on 2 ranks" $? "1000 years"

# The shipped job passes and prints its prediction; a limit below that
# prediction refuses it, one above accepts it.
limited "$exe" check "$job" || fail "check of the shipped job: $(tail -5 "$tmp/err")"
grep -q "sketches: .* MiB, at most .* MiB on rank 0" "$tmp/err" || fail "no prediction printed"
peak=$(sed -n 's/.*at most \([0-9.]*\) MiB on rank 0.*/\1/p' "$tmp/err")
below=$(awk -v p="$peak" 'BEGIN { print int(p / 2) }')
above=$(awk -v p="$peak" 'BEGIN { print int(p) + 1 }')
CROSSOVER_MAX_SKETCH_MB=$below limited "$exe" check "$job"
refused "check with CROSSOVER_MAX_SKETCH_MB=$below" $? "limit of $below MiB"
CROSSOVER_MAX_SKETCH_MB=$above limited "$exe" check "$job" ||
  fail "check with CROSSOVER_MAX_SKETCH_MB=$above: $(tail -3 "$tmp/err")"
CROSSOVER_MAX_SKETCH_MB=$below limited "$exe" run "$job" --samples 2048 -q -o out.h5
refused "run with CROSSOVER_MAX_SKETCH_MB=$below" $?
echo "memory: all checks passed (shipped job: at most $peak MiB per rank)"
