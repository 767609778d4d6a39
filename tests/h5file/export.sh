#!/usr/bin/env bash
# crossover export writes a results-only file: every dataset and attribute of
# the source outside /state, the same bits (h5same.py), no /state, the root
# attribute results_only; the Python package reads it; report, plot, merge,
# run --resume and a second export refuse it (exit 2, naming it); a checkpoint
# or part, an existing output without --force and the input as output are
# refused; the file is smaller. Usage: export.sh CROSSOVER SOURCE_DIR PYTHON3
set -u
exe=$1 src=$2 py=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
refused() { # refused WHAT CMD...: exit 2 and a message naming results-only
  local what=$1
  shift
  "$@" >/dev/null 2>"$tmp/err"
  local rc=$?
  [ $rc = 2 ] || fail "$what: exit $rc, not 2: $(cat "$tmp/err")"
  grep -q "${want:-results-only}" "$tmp/err" || fail "$what: message: $(cat "$tmp/err")"
}

"$exe" run "$src/jobs/backtest-2020.yaml" -q --samples 3000 -o "$tmp/full.h5" || fail "run"
"$exe" export "$tmp/full.h5" -o "$tmp/res.h5" 2>"$tmp/out" || fail "export: $(cat "$tmp/out")"
grep -q "results only" "$tmp/out" || fail "export did not say what it wrote: $(cat "$tmp/out")"
"$py" "$src/tests/h5same.py" "$tmp/full.h5" "$tmp/res.h5" --skip /state \
  --ignore-new-attr results_only --ignore-new-attr outputs_checksum >"$tmp/same" ||
  fail "the export differs from its source: $(head -5 "$tmp/same")"
"$py" - "$tmp/full.h5" "$tmp/res.h5" "$src/python" <<'PY' || fail "python checks"
import os, sys
import h5py
full, res, pkg = sys.argv[1:4]
sys.path.insert(0, pkg)
import crossover
with h5py.File(res, "r") as f:
    assert "state" not in f, "an exported file holds /state"
    assert "results_only" in f.attrs, "no results_only attribute"
    assert "outputs_checksum" in f.attrs, "no outputs checksum on the root"
assert os.path.getsize(res) < os.path.getsize(full) / 2, (os.path.getsize(res), os.path.getsize(full))
a, b = crossover.open(full), crossover.open(res)
for v in ("crossover_compute_cumulative", "constraint_fraction"):
    assert (a[v].values == b[v].values).all(), v
PY

refused "report" "$exe" report "$tmp/res.h5"
refused "plot" "$exe" plot "$tmp/res.h5" -o "$tmp/p.png"
refused "merge" "$exe" merge -o "$tmp/m.h5" "$tmp/res.h5"
refused "export of an export" "$exe" export "$tmp/res.h5" -o "$tmp/res2.h5"
cp "$tmp/res.h5" "$tmp/again.h5.checkpoint" # a results-only file put where a checkpoint goes
refused "run --resume from it" "$exe" run "$src/jobs/backtest-2020.yaml" -q --samples 3000 \
  -o "$tmp/again.h5" --resume
want="exists" refused "existing output" "$exe" export "$tmp/full.h5" -o "$tmp/res.h5"
"$exe" export "$tmp/full.h5" -o "$tmp/res.h5" --force 2>/dev/null || fail "--force"
want="itself" refused "input as output" "$exe" export "$tmp/full.h5" -o "$tmp/full.h5" --force
"$exe" run "$src/jobs/backtest-2020.yaml" -q --samples 3000 --part 1/2 -o "$tmp/part.h5" || fail "part"
want="covers" refused "a part" "$exe" export "$tmp/part.h5" -o "$tmp/pe.h5"
want="usage" refused "no -o" "$exe" export "$tmp/full.h5"
[ ! -e "$tmp/pe.h5" ] && [ ! -e "$tmp/res2.h5" ] && [ ! -e "$tmp/m.h5" ] || fail "a refused export wrote a file"
ls "$tmp" | grep -q "tmp-" && fail "temporaries left: $(ls "$tmp")"

[ $failures = 0 ] && echo "export: all passed"
exit $((failures > 0))
