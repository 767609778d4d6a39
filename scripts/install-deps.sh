#!/usr/bin/env bash
# Installs the Debian 12 packages Crossover needs to build, test and run.
# Idempotent; needs root (apt-get). Safe to run on a machine that already has them.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config ninja-build
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev hdf5-tools
  libgsl-dev libyaml-dev librandom123-dev libcmocka-dev
  libplplot-dev plplot-driver-cairo
  slurmctld slurmd slurm-client munge iproute2
  python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-matplotlib netcdf-bin
  udunits-bin
  clang-format clang libclang-rt-14-dev
)
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
