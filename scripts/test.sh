#!/usr/bin/env bash
# From a fresh Debian 12 machine (as root) to a passing test suite: installs
# the packages, builds, starts a one-node Slurm cluster for the Slurm tests,
# runs ctest, and stops the cluster again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/install-deps.sh
bash scripts/build.sh
slurm_started=0
if [ "${CROSSOVER_NO_SLURM:-0}" != 1 ]; then
  bash "$root/.ci/slurm-up.sh" # a cluster that does not come up fails the run
  slurm_started=1
fi
cleanup() { if [ "$slurm_started" = 1 ]; then bash "$root/.ci/slurm-down.sh" || true; fi; }
trap cleanup EXIT
cd build
ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@"
