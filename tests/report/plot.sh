#!/usr/bin/env bash
# crossover plot writes valid, non-trivial PNG, PDF and SVG files with the
# names it prints, honours --series, and refuses bad extensions, unknown
# series and foreign files with exit 2, leaving no file behind.
# Usage: plot.sh CROSSOVER SOURCE_DIR PYTHON3
set -euo pipefail
exe=$1 src=$2 py=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$exe" run "$src/jobs/power-capped.yaml" --samples 20000 -q -o "$tmp/capped.h5"
"$exe" run "$src/jobs/epoch-2030-demand.yaml" --samples 20000 -q -o "$tmp/e.h5"

# Valid files: magic bytes and size. PNG and SVG: a file per chart.
check_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$1: not a PNG"; }
check_svg() { head -c 400 "$1" | grep -q '<svg' || fail "$1: no <svg element"; }
check_size() { local n; n=$(stat -c %s "$1"); [ "$n" -gt "$2" ] || fail "$1: $n bytes, expected > $2"; }

"$exe" plot "$tmp/capped.h5" -o "$tmp/fig.png" > "$tmp/out"
for c in compute energy power crossover-compute crossover-energy; do
  f="$tmp/fig-$c.png"
  [ -f "$f" ] || fail "missing $f; printed: $(cat "$tmp/out")"
  grep -qx "$f" "$tmp/out" || fail "$f not printed"
  check_png "$f"
  check_size "$f" 20000
done
[ "$(wc -l < "$tmp/out")" = 5 ] || fail "expected 5 paths, got: $(cat "$tmp/out")"

"$exe" plot "$tmp/capped.h5" -o "$tmp/fig.svg" > "$tmp/out"
for c in compute energy power crossover-compute crossover-energy; do
  check_svg "$tmp/fig-$c.svg"
  check_size "$tmp/fig-$c.svg" 20000
done

"$exe" plot "$tmp/capped.h5" -o "$tmp/fig.pdf" > "$tmp/out"
[ "$(cat "$tmp/out")" = "$tmp/fig.pdf" ] || fail "pdf: printed $(cat "$tmp/out")"
[ "$(head -c 5 "$tmp/fig.pdf")" = "%PDF-" ] || fail "fig.pdf: no %PDF header"
check_size "$tmp/fig.pdf" 10000
pages=$("$py" -c "import re,sys; print(len(re.findall(rb'/Type\s*/Page[^s]', open(sys.argv[1],'rb').read())))" "$tmp/fig.pdf")
[ "$pages" = 5 ] || fail "fig.pdf has $pages pages, expected 5"

# Default name: OUT.h5 -> OUT-*.png beside it.
(cd "$tmp" && "$exe" plot e.h5 > out.default)
[ -f "$tmp/e-compute.png" ] && [ -f "$tmp/e-crossover-compute.png" ] || fail "default names: $(cat "$tmp/out.default")"
[ ! -e "$tmp/e-power-shortfall.png" ] || fail "uncapped job drew a shortfall chart"

# --series: one chart per unit of the series named, then the crossovers.
"$exe" plot "$tmp/capped.h5" -o "$tmp/sel.png" --series inference_share power_shortfall,total_energy > "$tmp/out"
for c in share power energy crossover-compute crossover-energy; do
  [ -f "$tmp/sel-$c.png" ] || fail "--series: missing sel-$c.png"
done
[ ! -e "$tmp/sel-compute.png" ] || fail "--series drew an unrequested compute chart"

# Refusals: exit 2, a message saying what is wrong, nothing written.
echo "not hdf5" > "$tmp/junk.h5"
"$py" -c "import h5py,sys; h5py.File(sys.argv[1],'w')['x'] = [1, 2]" "$tmp/foreign.h5"
refuse() { # refuse WORDS -- plot args...
  local words=$1; shift
  local before after
  before=$(ls -A "$tmp" | sort)
  set +e
  "$exe" plot "$@" > /dev/null 2> "$tmp/err"
  local rc=$?
  set -e
  after=$(ls -A "$tmp" | grep -vx err | sort)
  [ "$rc" = 2 ] || fail "plot $* exited $rc, expected 2: $(cat "$tmp/err")"
  grep -qi -- "$words" "$tmp/err" || fail "plot $*: message lacks '$words': $(cat "$tmp/err")"
  [ "$(echo "$before" | grep -vx err)" = "$after" ] || fail "plot $* left files: $(comm -13 <(echo "$before") <(echo "$after"))"
  echo "refused as expected: $(head -c 300 "$tmp/err")"
}
refuse ".png, .pdf or .svg" "$tmp/e.h5" -o "$tmp/bad.jpg"
refuse ".png, .pdf or .svg" "$tmp/e.h5" -o "$tmp/noext"
refuse "unknown series 'trainng_compute'" "$tmp/e.h5" -o "$tmp/bad.png" --series trainng_compute
refuse "training_compute, inference_compute" "$tmp/e.h5" -o "$tmp/bad.png" --series nope
refuse "power cap" "$tmp/e.h5" -o "$tmp/bad.png" --series power_shortfall
refuse "at least one" "$tmp/e.h5" -o "$tmp/bad.png" --series
refuse "not a Crossover results file" "$tmp/foreign.h5" -o "$tmp/bad.png"
refuse "not an HDF5 file" "$tmp/junk.h5" -o "$tmp/bad.pdf"
refuse "cannot open" "$tmp/missing.h5" -o "$tmp/bad.svg"
refuse "unknown option" "$tmp/e.h5" --colour red
refuse "one results file" "$tmp/e.h5" "$tmp/capped.h5"
"$exe" plot --help | grep -q -- "--series NAME" || fail "plot --help lacks --series"
echo "plot: all checks passed"
