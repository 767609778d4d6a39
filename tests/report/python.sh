#!/usr/bin/env bash
# A results file read from the Python ecosystem: xarray (h5netcdf engine)
# finds the dimensions and coordinates, h5py the crossover probabilities;
# ncdump (netCDF-C), when installed, reads the whole file.
# Usage: python.sh CROSSOVER SOURCE_DIR PYTHON3
set -euo pipefail
exe=$1 src=$2 py=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$exe" run "$src/jobs/power-capped.yaml" --samples 10000 -q -o "$tmp/capped.h5"
"$py" "$here/xarray_check.py" "$tmp/capped.h5"
if command -v ncdump > /dev/null; then
  ncdump -h "$tmp/capped.h5" > "$tmp/cdl" || { echo "FAIL: ncdump cannot read the file" >&2; exit 1; }
  grep -q "year = 16 ;" "$tmp/cdl" && grep -q "percentile = 9 ;" "$tmp/cdl" &&
    grep -q "double percentiles(year, percentile) ;" "$tmp/cdl" ||
    { echo "FAIL: ncdump does not see the dimensions:" >&2; head -40 "$tmp/cdl" >&2; exit 1; }
  echo "ncdump reads the dimensions"
else
  echo "ncdump not installed (Debian: netcdf-bin): netCDF-C check skipped"
fi
