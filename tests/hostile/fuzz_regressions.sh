#!/usr/bin/env bash
# Replays the inputs kept under tests/fuzz-regressions/ through the normal
# build. Usage: fuzz_regressions.sh job|results REPLAY CROSSOVER SOURCE [PATTERN]
#   job:     SOURCE is a folder; REPLAY (fuzz_job's checks) exits 0 on each
#            file; `crossover check` exits 0 or 2, never crashes.
#   results: SOURCE is a .tar.xz of results files; each file in it matching
#            PATTERN (default *) is unpacked; REPLAY
#            (fuzz_results' checks) exits 0; `crossover report` and `crossover
#            merge` exit 2 naming the file, merge writing nothing, or 0 where
#            the damage only showed under AddressSanitizer (an over-read inside
#            HDF5 that changes nothing read).
set -u
kind=$1 replay=$2 exe=$3 dir=$4 pattern=${5:-*}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 n=0
fail() {
  echo "FAIL $name: $*"
  failures=$((failures + 1))
}
crashed() { [ "$1" -ge 124 ]; } # timeout(1), signals and sanitizer aborts
if [ "$kind" = results ]; then
  mkdir "$tmp/all"
  tar -xJf "$dir" -C "$tmp/all" || { echo "FAIL: cannot unpack $dir"; exit 1; }
  dir=$tmp/all
fi
for f in "$dir"/$pattern; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  n=$((n + 1))
  if [ "$kind" = job ]; then
    timeout 120 "$replay" "$f" >"$tmp/out" 2>&1 || fail "replay: $(tail -5 "$tmp/out")"
    timeout 120 "$exe" check "$f" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 2 ] || fail "check exited $rc: $(head -c 300 "$tmp/err")"
    continue
  fi
  in=$f
  timeout 300 "$replay" "$in" >"$tmp/out" 2>&1 || fail "replay: $(tail -5 "$tmp/out")"
  timeout 300 "$exe" report "$in" >/dev/null 2>"$tmp/err"
  rc=$?
  if [ "$rc" = 0 ]; then
    echo "note: $name is read as a valid file"
  elif [ "$rc" = 2 ]; then
    grep -qF -- "$in" "$tmp/err" || fail "report's message does not name the file: $(head -c 300 "$tmp/err")"
  else
    fail "report exited $rc, expected 2: $(head -c 300 "$tmp/err")"
  fi
  rm -rf "$tmp/m"
  mkdir "$tmp/m"
  timeout 300 "$exe" merge -o "$tmp/m/out.h5" "$in" >/dev/null 2>"$tmp/err"
  mrc=$?
  [ "$mrc" = "$rc" ] || fail "merge exited $mrc, report $rc: $(head -c 300 "$tmp/err")"
  [ "$mrc" = 0 ] || [ -z "$(ls -A "$tmp/m")" ] || fail "merge left $(ls -A "$tmp/m")"
done
echo "$kind: $n inputs replayed, $failures failure(s)"
exit $((failures > 0))
