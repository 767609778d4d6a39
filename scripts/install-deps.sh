#!/usr/bin/env bash
# Installs the Debian 12 packages Crossover needs. Idempotent; needs root
# (apt-get). Safe to run on a machine that already has them.
#
# Usage: install-deps.sh [demo|test]
#   demo  what building, running, reporting and plotting need (scripts/demo.sh):
#         compiler and CMake, Open MPI, parallel HDF5, GSL, libyaml, Random123,
#         PLplot with its cairo driver (PNG, PDF, SVG)
#   test  (default) demo's packages plus what the test suite needs
#         (scripts/test.sh): cmocka, the HDF5 tools, Slurm and munge for the
#         cluster tests, numpy/h5py/xarray/matplotlib for the Python package
#         and its checks, netCDF tools, udunits (units checks), groff for the manual page, clang and
#         clang-format (fuzzing, formatting)
set -euo pipefail
DEMO=(
  build-essential cmake pkg-config ninja-build
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev
  libgsl-dev libyaml-dev librandom123-dev
  libplplot-dev plplot-driver-cairo
)
TEST=(
  libcmocka-dev hdf5-tools
  slurmctld slurmd slurm-client munge iproute2
  python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-matplotlib netcdf-bin
  groff-base man-db udunits-bin
  clang-format clang libclang-rt-14-dev
)
case "${1:-test}" in
  demo) PKGS=("${DEMO[@]}") ;;
  test) PKGS=("${DEMO[@]}" "${TEST[@]}") ;;
  *)
    echo "usage: install-deps.sh [demo|test] (got '$1')" >&2
    exit 2
    ;;
esac
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
