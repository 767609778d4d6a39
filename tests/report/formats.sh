#!/usr/bin/env bash
# crossover report in every format agrees with the results file; two files
# side by side give the right differences and standard errors, and say
# whether the seeds are shared. Usage: formats.sh CROSSOVER MPIEXEC SOURCE_DIR PYTHON3
set -euo pipefail
exe=$1 mpiexec=$2 src=$3 py=$4
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Two scenarios with per-sample output, sharing seed 2030 (common random
# numbers), one of them on two ranks; and a third with another seed.
for j in epoch-2030-demand slow-growth; do
  sed 's/^outputs:$/outputs:\n  samples: true/' "$src/jobs/$j.yaml" > "$tmp/$j.yaml"
  grep -q 'samples: true' "$tmp/$j.yaml" || printf 'outputs:\n  samples: true\n' >> "$tmp/$j.yaml"
done
"$mpiexec" -n 2 --oversubscribe "$exe" run "$tmp/epoch-2030-demand.yaml" --samples 30000 -q -o "$tmp/a.h5"
"$exe" run "$tmp/slow-growth.yaml" --samples 30000 -q -o "$tmp/b.h5"
"$exe" run "$src/jobs/slow-growth.yaml" --samples 20000 --seed 7 -q -o "$tmp/c.h5"
# A scenario name with a comma and a quote (CSV must quote it), for model capacity.
sed 's/^scenario: .*/scenario: "cap, \\"quoted\\" name"/' "$src/jobs/epoch-2030.yaml" > "$tmp/q.yaml"
"$exe" run "$tmp/q.yaml" --samples 20000 -q -o "$tmp/q.h5"

for f in text markdown csv json; do
  "$exe" report "$tmp/a.h5" --format "$f" > "$tmp/a.$f"
  "$exe" report "$tmp/a.h5" "$tmp/b.h5" --format "$f" > "$tmp/ab.$f"
  "$exe" report "$tmp/a.h5" "$tmp/c.h5" --format "$f" > "$tmp/ac.$f"
  "$exe" report "$tmp/a.h5" "$tmp/b.h5" "$tmp/c.h5" --format "$f" > "$tmp/abc.$f"
  "$exe" report "$tmp/q.h5" --format "$f" > "$tmp/q.$f"
done
"$exe" report "$tmp/a.h5" > "$tmp/a.default"
cmp -s "$tmp/a.default" "$tmp/a.text" || fail "the default format is not text"
"$py" "$here/check_report.py" "$tmp"

set +e
"$exe" report "$tmp/a.h5" --format html > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "markdown" "$tmp/err" || fail "--format html: exit $rc: $(cat "$tmp/err")"
echo "not hdf5" > "$tmp/junk.h5"
set +e
"$exe" report "$tmp/a.h5" "$tmp/junk.h5" > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "not an HDF5 file" "$tmp/err" || fail "junk B: exit $rc: $(cat "$tmp/err")"
"$exe" report --help | grep -q "A.h5 B.h5 \\[C.h5" || fail "report --help lacks the N-file form"
"$exe" --help | grep -q "markdown" || fail "crossover --help lacks markdown"
echo "report formats: all checks passed"
