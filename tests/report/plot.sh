#!/usr/bin/env bash
# crossover plot and check --plot write valid, non-trivial PNG, PDF and SVG
# files with the names they print: the charts of one results file (both
# models, a sensitivity job), the comparison of three files, the input
# distributions of a job; they honour --series, and refuse bad extensions,
# unknown series, foreign files, mixed models and misused options with exit
# 2, leaving no file behind; a chart that cannot be written in full (a full
# disk) fails with exit 1 and leaves neither the chart nor a temporary file.
# Usage: plot.sh CROSSOVER SOURCE_DIR PYTHON3
set -euo pipefail
exe=$1 src=$2 py=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$exe" run "$src/jobs/power-capped.yaml" --samples 20000 -q -o "$tmp/capped.h5"
"$exe" run "$src/jobs/epoch-2030-demand.yaml" --samples 20000 -q -o "$tmp/e.h5"
"$exe" run "$src/jobs/epoch-2030.yaml" --samples 20000 -q -o "$tmp/cap.h5"
"$exe" run "$src/tests/jobs/sensitivity.yaml" --samples 20000 -q -o "$tmp/sens.h5"

# Valid files: magic bytes, a complete PNG (its IEND chunk last), and size.
check_png() {
  [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$1: not a PNG"
  [ "$(tail -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 49454e44ae426082 ] || fail "$1: PNG without its end"
}
check_svg() { head -c 400 "$1" | grep -q '<svg' || fail "$1: no <svg element"; tail -c 20 "$1" | grep -q '</svg>' || fail "$1: unfinished SVG"; }
check_size() { local n; n=$(stat -c %s "$1"); [ "$n" -gt "$2" ] || fail "$1: $n bytes, expected > $2"; }
pdf_pages() { "$py" -c "import re,sys; print(len(re.findall(rb'/Type\s*/Page[^s]', open(sys.argv[1],'rb').read())))" "$1"; }
# expect_charts OUT STEM EXT NAME...: exactly these files printed, each valid.
expect_charts() {
  local out=$1 stem=$2 ext=$3; shift 3
  [ "$(wc -l < "$out")" = $# ] || fail "expected $# paths, got: $(cat "$out")"
  for c in "$@"; do
    local f="$stem-$c.$ext"
    grep -qx "$f" "$out" || fail "$f not printed; printed: $(cat "$out")"
    if [ "$ext" = png ]; then check_png "$f"; else check_svg "$f"; fi
    check_size "$f" 20000
  done
}

demand_charts="compute energy power crossover-compute crossover-energy"
"$exe" plot "$tmp/capped.h5" -o "$tmp/fig.png" > "$tmp/out"
expect_charts "$tmp/out" "$tmp/fig" png $demand_charts
"$exe" plot "$tmp/capped.h5" -o "$tmp/fig.svg" > "$tmp/out"
expect_charts "$tmp/out" "$tmp/fig" svg $demand_charts
"$exe" plot "$tmp/capped.h5" -o "$tmp/fig.pdf" > "$tmp/out"
[ "$(cat "$tmp/out")" = "$tmp/fig.pdf" ] || fail "pdf: printed $(cat "$tmp/out")"
[ "$(head -c 5 "$tmp/fig.pdf")" = "%PDF-" ] || fail "fig.pdf: no %PDF header"
tail -c 8 "$tmp/fig.pdf" | grep -q '%%EOF' || fail "fig.pdf: no %%EOF at its end"
check_size "$tmp/fig.pdf" 10000
[ "$(pdf_pages "$tmp/fig.pdf")" = 5 ] || fail "fig.pdf has $(pdf_pages "$tmp/fig.pdf") pages, expected 5"

# Model capacity: its five charts and four crossovers; the binding
# constraints once the results file carries their counts (/constraints),
# until then a note and no chart.
cap_charts="hardware compute energy power money crossover-hardware crossover-spend crossover-energy crossover-compute"
"$exe" plot "$tmp/cap.h5" -o "$tmp/cap.png" > "$tmp/out" 2> "$tmp/err"
if "$py" -c "import h5py,sys; sys.exit(0 if 'constraints' in h5py.File(sys.argv[1],'r') else 1)" "$tmp/cap.h5"; then
  expect_charts "$tmp/out" "$tmp/cap" png $cap_charts constraints
else
  expect_charts "$tmp/out" "$tmp/cap" png $cap_charts
  grep -q "no binding-constraint counts" "$tmp/err" || fail "no note of the missing constraints: $(cat "$tmp/err")"
  [ ! -e "$tmp/cap-constraints.png" ] || fail "a constraints chart of zero counts"
fi

# A sensitivity job: a Sobol' chart per target.
"$exe" plot "$tmp/sens.h5" -o "$tmp/s.png" > "$tmp/out"
expect_charts "$tmp/out" "$tmp/s" png $demand_charts sensitivity-training_compute-2035 \
  sensitivity-total_energy-2030 sensitivity-inference_share-2040 sensitivity-crossover-compute

# Default name: OUT.h5 -> OUT-*.png beside it.
(cd "$tmp" && "$exe" plot e.h5 > out.default)
[ -f "$tmp/e-compute.png" ] && [ -f "$tmp/e-crossover-compute.png" ] || fail "default names: $(cat "$tmp/out.default")"
[ ! -e "$tmp/e-power-shortfall.png" ] || fail "uncapped job drew a shortfall chart"

# --series: one chart per unit of the series named, then the crossovers; a
# list with commas, or spaces in one argument, or the option repeated.
for form in "inference_share,power_shortfall,total_energy" "inference_share power_shortfall total_energy"; do
  rm -f "$tmp"/sel-*
  "$exe" plot "$tmp/capped.h5" -o "$tmp/sel.png" --series "$form" > "$tmp/out"
  expect_charts "$tmp/out" "$tmp/sel" png share power energy crossover-compute crossover-energy
done
"$exe" plot "$tmp/capped.h5" -o "$tmp/rep.png" --series=inference_share --series total_energy > "$tmp/out"
expect_charts "$tmp/out" "$tmp/rep" png share energy crossover-compute crossover-energy

# Comparison of three files: crossovers first, then a chart per model chart.
"$exe" run "$src/jobs/epoch-2030.yaml" --samples 20000 --seed 7 -q -o "$tmp/cap7.h5"
"$exe" run "$src/jobs/epoch-2030.yaml" --samples 20000 --seed 8 -q -o "$tmp/cap8.h5"
"$exe" plot "$tmp/cap.h5" "$tmp/cap7.h5" "$tmp/cap8.h5" -o "$tmp/cmp.png" > "$tmp/out"
expect_charts "$tmp/out" "$tmp/cmp" png crossover-hardware crossover-spend crossover-energy \
  crossover-compute hardware compute energy power money
"$exe" plot "$tmp/cap.h5" "$tmp/cap7.h5" "$tmp/cap8.h5" -o "$tmp/cmp.pdf" --series capex > "$tmp/out"
[ "$(pdf_pages "$tmp/cmp.pdf")" = 5 ] || fail "cmp.pdf has $(pdf_pages "$tmp/cmp.pdf") pages, expected 5"
(cd "$tmp" && "$exe" plot e.h5 capped.h5 > out.default)
[ -f "$tmp/e-compare-crossover-energy.png" ] || fail "compare default names: $(cat "$tmp/out.default")"

# check --plot: the input distributions, one chart.
"$exe" check "$src/jobs/epoch-2030.yaml" --plot "$tmp/inputs.png" > "$tmp/out"
grep -qx "$tmp/inputs.png" "$tmp/out" || fail "check --plot did not print its chart: $(tail -2 "$tmp/out")"
check_png "$tmp/inputs.png"
check_size "$tmp/inputs.png" 100000
"$exe" check "$src/tests/jobs/sensitivity.yaml" --plot "$tmp/inputs.pdf" > /dev/null
[ "$(pdf_pages "$tmp/inputs.pdf")" = 1 ] || fail "inputs.pdf: $(pdf_pages "$tmp/inputs.pdf") pages"

# Refusals: exit 2, a message saying what is wrong, nothing written.
echo "not hdf5" > "$tmp/junk.h5"
"$py" -c "import h5py,sys; h5py.File(sys.argv[1],'w')['x'] = [1, 2]" "$tmp/foreign.h5"
refuse() { # refuse WORDS -- command args...
  local words=$1; shift
  local before after
  before=$(ls -A "$tmp" | grep -vx err | sort)
  set +e
  "$exe" "$@" > /dev/null 2> "$tmp/err"
  local rc=$?
  set -e
  after=$(ls -A "$tmp" | grep -vx err | sort)
  [ "$rc" = 2 ] || fail "$* exited $rc, expected 2: $(cat "$tmp/err")"
  grep -qi -- "$words" "$tmp/err" || fail "$*: message lacks '$words': $(cat "$tmp/err")"
  [ "$before" = "$after" ] || fail "$* left files: $(comm -13 <(echo "$before") <(echo "$after"))"
  echo "refused as expected: $(head -c 300 "$tmp/err")"
}
refuse ".png, .pdf or .svg" plot "$tmp/e.h5" -o "$tmp/bad.jpg"
refuse ".png, .pdf or .svg" plot "$tmp/e.h5" -o "$tmp/noext"
refuse "unknown series 'trainng_compute'" plot "$tmp/e.h5" -o "$tmp/bad.png" --series trainng_compute
refuse "training_compute, inference_compute" plot "$tmp/e.h5" -o "$tmp/bad.png" --series nope
refuse "power cap" plot "$tmp/e.h5" -o "$tmp/bad.png" --series power_shortfall
refuse "at least one" plot "$tmp/e.h5" -o "$tmp/bad.png" --series
refuse "separated by commas" plot "$tmp/e.h5" -o "$tmp/bad.png" --series power total_energy
refuse "not a Crossover results file" plot "$tmp/foreign.h5" -o "$tmp/bad.png"
refuse "not an HDF5 file" plot "$tmp/junk.h5" -o "$tmp/bad.pdf"
refuse "cannot open" plot "$tmp/missing.h5" -o "$tmp/bad.svg"
refuse "unknown option" plot "$tmp/e.h5" --colour red
refuse "needs a value" plot "$tmp/e.h5" -o
refuse "plot compares files of one model" plot "$tmp/e.h5" "$tmp/cap.h5" -o "$tmp/bad.png"
refuse "power cap" plot "$tmp/capped.h5" "$tmp/e.h5" -o "$tmp/bad.png" --series power_shortfall
refuse "at most 10" plot "$tmp/e.h5" "$tmp/e.h5" "$tmp/e.h5" "$tmp/e.h5" "$tmp/e.h5" "$tmp/e.h5" \
  "$tmp/e.h5" "$tmp/e.h5" "$tmp/e.h5" "$tmp/e.h5" "$tmp/e.h5" -o "$tmp/bad.png"
refuse ".png, .pdf or .svg" check "$src/jobs/epoch-2030.yaml" --plot "$tmp/bad.gif"
refuse "needs a file name" check "$src/jobs/epoch-2030.yaml" --plot
"$exe" plot --help | grep -q -- "--series LIST" || fail "plot --help lacks --series"
"$exe" check --help | grep -q -- "--plot FILE" || fail "check --help lacks --plot"

# A chart that cannot be written in full: exit 1, the reason, and neither
# the chart nor a temporary file left. The writes fail at a file size limit
# (SIGXFSZ ignored, so write returns EFBIG), and where a user namespace can
# mount one, on a full 64 KiB tmpfs (ENOSPC).
full_check() { # full_check DIR MESSAGE-WORDS -- plot args...
  local d=$1 words=$2; shift 2
  set +e
  "$@" > "$d/out" 2> "$d/err"
  local rc=$?
  set -e
  [ "$rc" = 1 ] || fail "$* on a full disk exited $rc: $(cat "$d/err")"
  grep -qi -- "$words" "$d/err" || fail "$*: message lacks '$words': $(cat "$d/err")"
  local left; left=$(ls -A "$d" | grep -vx -e out -e err || true)
  [ -z "$left" ] || fail "$* on a full disk left: $left"
  echo "full disk refused as expected: $(head -c 200 "$d/err")"
}
mkdir "$tmp/limit"
for ext in png pdf svg; do
  (trap '' XFSZ; ulimit -f 40; full_check "$tmp/limit" "file too large" "$exe" plot "$tmp/cap.h5" -o "$tmp/limit/f.$ext")
done
(trap '' XFSZ; ulimit -f 40; full_check "$tmp/limit" "file too large" "$exe" check "$src/jobs/epoch-2030.yaml" --plot "$tmp/limit/i.png")
if unshare -rm true 2> /dev/null; then
  mkdir "$tmp/full"
  export -f full_check fail
  for ext in png pdf; do
    unshare -rm bash -c 'mount -t tmpfs -o size=64k tmpfs "$1" && full_check "$1" "no space left" "$2" plot "$3" -o "$1/f.$4"' \
      _ "$tmp/full" "$exe" "$tmp/cap.h5" "$ext"
  done
else
  echo "note: no user namespace here; the full tmpfs case is skipped (the size limit case ran)"
fi
echo "plot: all checks passed"
