#!/usr/bin/env bash
# Checks how `crossover` treats job files.
#
#   bad_jobs.sh CROSSOVER BAD.yaml...      each file is malformed
#   bad_jobs.sh --valid CROSSOVER JOB.yaml...  each file is valid
#   bad_jobs.sh --usage CROSSOVER          `check` usage and --help
#
# A malformed file starts with an expectations comment, e.g.
#   # expect: line=7 col=3 words="unknown key" "training.growht" "did you mean"
# and must make `crossover check FILE` exit 2 with "crossover: FILE:LINE:" (and
# COL when given) and every word on stderr; `crossover run FILE -o OUT.h5` must
# exit 2 too and leave neither OUT.h5 nor any OUT.h5.* file behind. With
# at=PATH (relative to FILE's folder, as FILE's extends: names it) the position
# is in that file: a value FILE inherits through extends:.
# A valid file must make `check` exit 0 and print every parameter of its model (docs/model.md).
set -u
mode=bad
case "${1:-}" in
--valid) mode=valid; shift ;;
--usage) mode=usage; shift ;;
esac
exe=${1:?usage: bad_jobs.sh [--valid|--usage] CROSSOVER [FILE...]}
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
  echo "FAIL ${file:-}: $*"
  failures=$((failures + 1))
}

show() {
  echo "--- stdout:"
  cat "$tmp/out"
  echo "--- stderr:"
  cat "$tmp/err"
}

if [ "$mode" = usage ]; then
  file=check
  "$exe" check --help >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 0 ] || fail "check --help exited $rc, expected 0"
  grep -q 'usage: crossover check' "$tmp/out" || fail "check --help printed no usage"
  "$exe" check >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 2 ] || fail "check without a file exited $rc, expected 2"
  grep -q '^crossover: ' "$tmp/err" || fail "check without a file: no 'crossover: ' message"
  "$exe" check --bogus x.yaml >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 2 ] || fail "check --bogus exited $rc, expected 2"
  "$exe" check "$tmp/does-not-exist.yaml" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 2 ] || fail "check of a missing file exited $rc, expected 2"
  grep -qF "does-not-exist.yaml" "$tmp/err" || fail "check of a missing file: file not named"
  job=$(dirname "$0")/jobs/minimal.yaml
  "$exe" check "$job" --set sampling.samples=1e5 --set time.horizon_year=2050 >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 0 ] || fail "check --set exited $rc, expected 0"
  grep -q '100000 samples' "$tmp/out" || fail "check --set sampling.samples=1e5 not applied"
  grep -q '2025 to 2050' "$tmp/out" || fail "check --set time.horizon_year=2050 not applied"
  "$exe" check "$job" --set sampling.sample=10 >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 2 ] || fail "check --set of an unknown key exited $rc, expected 2"
  for w in 'crossover: --set sampling.sample=10 (column 10): ' "unknown key 'sample'" \
    "did you mean 'samples'?"; do
    grep -qF -- "$w" "$tmp/err" || fail "check --set sampling.sample=10: stderr lacks '$w'"
  done
  [ $failures -eq 0 ] && echo "ok: check usage"
  exit $((failures > 0))
fi

for file in "$@"; do
  if [ "$mode" = valid ]; then
    "$exe" check "$file" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ]; then
      fail "check exited $rc, expected 0"
      show
      continue
    fi
    # every parameter of the job's model, as the NumPy references (written
    # from the model's documentation, not from the C tables) list them
    model=$(sed -n 's/^model: *\([a-z]*\).*/\1/p' "$tmp/out")
    ref=$(dirname "$0")/../bench/reference.py
    [ "$model" = capacity ] && ref=$(dirname "$0")/../bench/reference_capacity.py
    keys=$(cd "$(dirname "$ref")" && /usr/bin/python3 -c "import sys, importlib; \
      print(' '.join(importlib.import_module(sys.argv[1]).PARAMS))" "$(basename "$ref" .py)")
    [ -n "$keys" ] || fail "no parameter list for model '$model'"
    for key in $keys 'the job is valid' 'scenario:' 'grid:' 'sampling:' 'crossovers' \
      'percentiles'; do
      grep -qF -- "$key" "$tmp/out" || fail "check printed no '$key'"
    done
    [ -s "$tmp/err" ] && fail "check wrote to stderr" && show
    echo "ok: $file is valid"
    continue
  fi

  header=$(grep -m1 '^# expect:' "$file") || {
    fail "no '# expect:' line"
    continue
  }
  line=$(sed -n 's/.* line=\([0-9][0-9]*\).*/\1/p' <<<"$header")
  col=$(sed -n 's/.* col=\([0-9][0-9]*\).*/\1/p' <<<"$header")
  at=$(sed -n 's/.* at=\([^ ]*\).*/\1/p' <<<"$header")
  rest=${header#* words=}
  words=()
  while [[ $rest =~ ^[[:space:]]*\"([^\"]*)\"(.*)$ ]]; do
    words+=("${BASH_REMATCH[1]}")
    rest=${BASH_REMATCH[2]}
  done
  if [ -z "$line" ] || [ ${#words[@]} -eq 0 ]; then
    fail "malformed '# expect:' line: $header"
    continue
  fi

  "$exe" check "$file" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 2 ] || fail "check exited $rc, expected 2"
  where=$file
  [ -n "$at" ] && where=$(dirname "$file")/$at
  pos="$where:$line:"
  [ -n "$col" ] && pos="$where:$line:$col:"
  grep -qF -- "crossover: $pos" "$tmp/err" || fail "stderr lacks 'crossover: $pos'"
  for w in "${words[@]}"; do
    grep -qF -- "$w" "$tmp/err" || fail "stderr lacks '$w'"
  done
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "expected a one-line message"

  mkdir -p "$tmp/run"
  rm -f "$tmp/run"/*
  (cd "$tmp/run" && "$exe" run "$file" -o "$tmp/run/out.h5") >"$tmp/run.out" 2>"$tmp/run.err"
  rc=$?
  [ $rc -eq 2 ] || fail "run exited $rc, expected 2 ($(head -c 300 "$tmp/run.err"))"
  grep -qF -- "$pos" "$tmp/run.err" || fail "run's stderr lacks '$pos'"
  left=$(ls -A "$tmp/run")
  [ -z "$left" ] && [ ! -e "$tmp/run/out.h5" ] || fail "run left files behind: $left"

  if [ $failures -eq 0 ]; then
    echo "ok: $file"
  else
    show
  fi
done
exit $((failures > 0))
