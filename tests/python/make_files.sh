#!/usr/bin/env bash
# Makes the results files the Python reader's tests read (ctest fixture
# python_files): small runs (20000 samples) of real jobs.
#   epoch.h5        jobs/epoch-2030-demand.yaml with per-sample output
#   capped.h5       jobs/power-capped.yaml (has power_shortfall)
#   sensitivity.h5  tests/jobs/sensitivity.yaml (Sobol' indices)
#   growth-*.h5     three jobs that differ in inference.growth only, each with
#                   its own scenario name and per-sample output
# Usage: make_files.sh CROSSOVER SOURCE_DIR OUT_DIR
set -euo pipefail
exe=$1 src=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
run() { "$exe" run "$1" --samples 20000 -q --force -o "$2"; }

# Per-sample output, as docs/python.md adds it.
with_samples() { sed 's/^outputs:$/outputs:\n  samples: true/' "$1"; }
with_samples "$src/jobs/epoch-2030-demand.yaml" > "$out/epoch.yaml"
grep -q '^  samples: true$' "$out/epoch.yaml" || { echo "FAIL: no outputs: section in epoch-2030.yaml" >&2; exit 1; }
run "$out/epoch.yaml" "$out/epoch.h5"
run "$src/jobs/power-capped.yaml" "$out/capped.h5"
run "$src/tests/jobs/sensitivity.yaml" "$out/sensitivity.h5"

# One parameter varied, as `--set parameters.inference.growth=...` would.
for v in "low:2.0 to 4" "mid:2.5 to 6" "high:3 to 8"; do
  name=${v%%:*} growth=${v#*:}
  with_samples "$src/jobs/epoch-2030-demand.yaml" |
    sed -e "s/^scenario: .*/scenario: growth-$name/" \
        -e "/^  inference:/,/^  [a-z]*:$/ s/^    growth: .*/    growth: $growth/" > "$out/growth-$name.yaml"
  grep -q "^scenario: growth-$name$" "$out/growth-$name.yaml" &&
    grep -q "^    growth: $growth$" "$out/growth-$name.yaml" ||
    { echo "FAIL: could not make the job growth-$name from epoch-2030.yaml" >&2; exit 1; }
  run "$out/growth-$name.yaml" "$out/growth-$name.h5"
done
echo "made $(ls "$out"/*.h5 | wc -l) results files in $out"
